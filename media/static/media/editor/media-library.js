// The article editor's media buttons (django-prose-editor extensions, loaded as an ES module):
// an image from the library, a gallery of library images, an embed from an allowed provider.
// Each writes only what core.sanitizer keeps, and the page resolves it (media.render):
//   <figure data-align="wide"><img data-media-id="12" src="…" alt="…"><figcaption>…</figcaption></figure>
//   <figure data-gallery="12,13,14" data-align="wide"><figcaption>…</figcaption></figure>
//   <figure data-embed="youtube"><a href="https://…">Title</a></figure>
import { Node } from "django-prose-editor/editor"

const ALIGNMENTS = ["normal", "wide", "left", "right"]

function el(tag, attrs = {}, ...children) {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue
    if (name === "text") element.textContent = value
    else if (name.startsWith("on")) element.addEventListener(name.slice(2), value)
    else element.setAttribute(name, value === true ? "" : value)
  }
  element.append(...children.filter(Boolean))
  return element
}

function csrfToken() {
  const field = document.querySelector("input[name=csrfmiddlewaretoken]")
  return field ? field.value : ""
}

function format(text, values) {
  return text.replace(/%\((\w+)\)s/g, (_, key) => values[key])
}

// After a figure is inserted or changed through its dialog, the cursor goes after it: into the
// paragraph that follows when it is empty (or, after a change, any text block that follows), else
// into a new empty paragraph. Left selected, as the editor leaves an inserted atom, the figure
// would be replaced by the first key typed.
function cursorAfterFigure(type, { intoText }) {
  return ({ tr, state, commands, dispatch }) => {
    const figure = tr.selection.node
    if (!dispatch || !figure || figure.type.name !== type) return true
    const after = tr.selection.to
    const $after = tr.doc.resolve(after)
    const next = $after.nodeAfter
    const paragraph = state.schema.nodes.paragraph
    if (!(next && next.isTextblock && (intoText || next.content.size === 0))) {
      if (!$after.parent.canReplaceWith($after.index(), $after.index(), paragraph)) return true
      tr.insert(after, paragraph.create())
    }
    return commands.setTextSelection(after + 1)
  }
}

function insertFigure(editor, type, attrs) {
  editor
    .chain()
    .focus()
    .insertContentAt(editor.state.selection.to, { type, attrs })
    .command(cursorAfterFigure(type, { intoText: false }))
    .scrollIntoView()
    .run()
}

function updateFigure(editor, type, attrs) {
  editor.chain().focus().updateAttributes(type, attrs).command(cursorAfterFigure(type, { intoText: true })).run()
}

// One modal dialog at a time, removed when closed.
let closeLabel = "Close"

function openDialog(title, build) {
  const dialog = el("dialog", { class: "media-dialog", "aria-label": title })
  const close = el("button", { type: "button", class: "media-close", "aria-label": closeLabel, text: "×" })
  close.addEventListener("click", () => dialog.close())
  dialog.append(close, el("h2", { text: title }))
  document.body.append(dialog)
  dialog.addEventListener("close", () => dialog.remove())
  build(dialog)
  dialog.showModal()
  return dialog
}

async function fetchJSON(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
  if (!response.ok) throw new Error(response.statusText)
  return response.json()
}

async function uploadFiles(options, files, status) {
  const labels = options.labels
  const uploaded = []
  for (const file of files) {
    status.textContent = `${labels.uploading} ${file.name}`
    const data = new FormData()
    data.append("files", file)
    const response = await fetch(options.uploadUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
    })
    let payload = null
    try {
      payload = await response.json()
    } catch (error) {
      payload = null
    }
    const result = payload && payload.results && payload.results[0]
    if (result && result.ok) uploaded.push(result)
    else {
      const errors = result ? result.errors.join(" ") : labels.failed
      status.textContent = `${file.name}: ${errors}`
      return uploaded
    }
  }
  status.textContent = ""
  return uploaded
}

// The library: search, pages of thumbnails, upload. `onPick(image)` for each chosen image.
function libraryBrowser(options, { multiple, onPick, isPicked }) {
  const labels = options.labels
  const search = el("input", { type: "search", class: "media-search", "aria-label": labels.search, placeholder: labels.search })
  const grid = el("ul", { class: "media-grid" })
  const more = el("button", { type: "button", class: "button", text: labels.more, hidden: true })
  const status = el("p", { class: "media-status", role: "status" })
  const fileInput = el("input", { type: "file", accept: "image/jpeg,image/png,image/webp,image/gif", multiple: true })
  const upload = el("label", { class: "media-upload" }, el("span", { text: labels.upload }), fileInput)
  let page = 1
  let query = ""

  function card(image) {
    const pressed = isPicked(image)
    const button = el(
      "button",
      { type: "button", class: "media-card", "aria-pressed": multiple ? String(pressed) : false, "data-id": image.id },
      el("img", { src: image.thumb, alt: "", width: image.width, height: image.height, loading: "lazy" }),
      el("span", { text: image.title }),
    )
    button.addEventListener("click", () => {
      onPick(image)
      if (multiple) button.setAttribute("aria-pressed", String(isPicked(image)))
    })
    return el("li", {}, button)
  }

  async function load(reset) {
    if (reset) {
      page = 1
      grid.replaceChildren()
    }
    try {
      const params = new URLSearchParams({ q: query, page })
      const data = await fetchJSON(`${options.chooserUrl}?${params}`)
      grid.append(...data.results.map(card))
      more.hidden = !data.has_next
      upload.hidden = !data.can_upload
      status.textContent = grid.children.length ? "" : labels.none
    } catch (error) {
      status.textContent = labels.failed
    }
  }

  let timer = null
  search.addEventListener("input", () => {
    clearTimeout(timer)
    timer = setTimeout(() => {
      query = search.value
      load(true)
    }, 250)
  })
  more.addEventListener("click", () => {
    page += 1
    load(false)
  })
  fileInput.addEventListener("change", async () => {
    const uploaded = await uploadFiles(options, Array.from(fileInput.files), status)
    fileInput.value = ""
    if (uploaded.length) {
      await load(true)
      for (const image of uploaded) onPick(image)
      grid.querySelectorAll(".media-card").forEach((button) => {
        if (multiple) button.setAttribute("aria-pressed", String(isPicked({ id: Number(button.dataset.id) })))
      })
    }
  })
  load(true)
  return el("div", { class: "media-browser" }, el("div", { class: "media-toolbar" }, search, upload), status, grid, more)
}

function field(label, input, help) {
  return el("label", { class: "media-field" }, el("span", { text: label }), input, help ? el("small", { text: help }) : null)
}

function alignSelect(labels, value) {
  const names = { normal: labels.alignNormal, wide: labels.alignWide, left: labels.alignLeft, right: labels.alignRight }
  return el("select", {}, ...ALIGNMENTS.map((align) => el("option", { value: align, text: names[align], selected: align === value })))
}

// Alt text, caption, credit and alignment for one image; `done(attrs)` on submit.
function imageDetails(dialog, options, attrs, done, back) {
  const labels = options.labels
  const alt = el("input", { type: "text", required: true, maxlength: 250, value: attrs.alt || "" })
  const caption = el("input", { type: "text", maxlength: 300, value: attrs.caption || "" })
  const credit = el("input", { type: "text", maxlength: 200, value: attrs.credit || "" })
  const align = alignSelect(labels, attrs.align || "normal")
  const form = el(
    "form",
    { method: "dialog", class: "media-details-form" },
    el("img", { src: attrs.src, alt: "", class: "media-details-preview" }),
    field(labels.alt, alt, labels.altHelp),
    field(labels.caption, caption),
    field(labels.credit, credit),
    field(labels.align, align),
    el(
      "div",
      { class: "media-actions" },
      el("button", { type: "submit", class: "button default", text: attrs.editing ? labels.update : labels.insert }),
      back ? el("button", { type: "button", class: "button", text: labels.back, onclick: back }) : null,
      el("button", { type: "button", class: "button", text: labels.cancel, onclick: () => dialog.close() }),
    ),
  )
  form.addEventListener("submit", (event) => {
    event.preventDefault()
    if (!alt.value.trim()) {
      alt.reportValidity()
      return
    }
    done({ ...attrs, alt: alt.value.trim(), caption: caption.value.trim(), credit: credit.value.trim(), align: align.value })
    dialog.close()
  })
  return form
}

function chooseImage(editor, options, current) {
  const labels = options.labels
  closeLabel = labels.close
  openDialog(labels.image, (dialog) => {
    const insert = (attrs) => {
      const { editing, ...values } = attrs
      if (editing) updateFigure(editor, "mediaImage", values)
      else insertFigure(editor, "mediaImage", values)
    }
    const showDetails = (attrs, back) => {
      dialog.querySelector(".media-browser, .media-details-form")?.remove()
      dialog.append(imageDetails(dialog, options, attrs, insert, back))
      dialog.querySelector("input[required]").focus()
    }
    const showBrowser = () => {
      dialog.querySelector(".media-browser, .media-details-form")?.remove()
      dialog.append(
        libraryBrowser(options, {
          multiple: false,
          isPicked: () => false,
          onPick: (image) =>
            showDetails(
              { id: image.id, src: image.src, alt: image.alt, caption: image.caption, credit: image.credit, align: "normal" },
              showBrowser,
            ),
        }),
      )
      dialog.querySelector(".media-search").focus()
    }
    if (current) showDetails({ ...current, editing: true }, null)
    else showBrowser()
  })
}

function chooseGallery(editor, options, current) {
  const labels = options.labels
  closeLabel = labels.close
  openDialog(labels.gallery, (dialog) => {
    const picked = new Map((current ? current.ids.split(",") : []).filter(Boolean).map((id) => [Number(id), { id: Number(id) }]))
    const count = el("p", { class: "media-status", role: "status" })
    const caption = el("input", { type: "text", maxlength: 300, value: current ? current.caption : "" })
    const align = alignSelect(labels, current ? current.align : "wide")
    const refresh = () => {
      count.textContent = `${picked.size} ${labels.selected}`
    }
    const browser = libraryBrowser(options, {
      multiple: true,
      isPicked: (image) => picked.has(image.id),
      onPick: (image) => {
        if (picked.has(image.id)) picked.delete(image.id)
        else picked.set(image.id, image)
        refresh()
      },
    })
    const form = el(
      "form",
      { method: "dialog", class: "media-gallery-form" },
      count,
      field(labels.caption, caption),
      field(labels.align, align),
      el(
        "div",
        { class: "media-actions" },
        el("button", { type: "submit", class: "button default", text: current ? labels.update : labels.insertGallery }),
        el("button", { type: "button", class: "button", text: labels.cancel, onclick: () => dialog.close() }),
      ),
    )
    form.addEventListener("submit", (event) => {
      event.preventDefault()
      if (picked.size < 2) {
        count.textContent = labels.pickTwo
        return
      }
      const attrs = { ids: Array.from(picked.keys()).join(","), caption: caption.value.trim(), align: align.value }
      if (current) updateFigure(editor, "mediaGallery", attrs)
      else insertFigure(editor, "mediaGallery", attrs)
      dialog.close()
    })
    refresh()
    dialog.append(browser, form)
  })
}

function findProvider(options, url) {
  for (const provider of options.providers || []) {
    for (const pattern of provider.patterns) {
      try {
        if (new RegExp(pattern).test(url)) return provider
      } catch (error) {
        // A pattern JavaScript cannot read: the server still checks the address.
      }
    }
  }
  return null
}

function chooseEmbed(editor, options, current) {
  const labels = options.labels
  closeLabel = labels.close
  openDialog(labels.embed, (dialog) => {
    const url = el("input", { type: "url", required: true, maxlength: 500, value: current ? current.url : "" })
    const title = el("input", { type: "text", maxlength: 200, value: current ? current.title : "" })
    const error = el("p", { class: "media-status errornote", role: "alert", hidden: true })
    const form = el(
      "form",
      { method: "dialog" },
      field(labels.url, url),
      field(labels.title, title),
      error,
      el(
        "div",
        { class: "media-actions" },
        el("button", { type: "submit", class: "button default", text: current ? labels.update : labels.insert }),
        el("button", { type: "button", class: "button", text: labels.cancel, onclick: () => dialog.close() }),
      ),
    )
    form.addEventListener("submit", (event) => {
      event.preventDefault()
      const provider = findProvider(options, url.value.trim())
      if (!provider) {
        error.textContent = labels.notAllowed
        error.hidden = false
        return
      }
      const attrs = { url: url.value.trim(), title: title.value.trim() || provider.name, provider: provider.key }
      if (current) updateFigure(editor, "mediaEmbed", attrs)
      else insertFigure(editor, "mediaEmbed", attrs)
      dialog.close()
    })
    dialog.append(form)
    url.focus()
  })
}

const plain = () => ({ default: "", rendered: false, parseHTML: () => null })

export const MediaImage = Node.create({
  name: "mediaImage",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,
  addOptions: () => ({ chooserUrl: "", uploadUrl: "", labels: {} }),
  addAttributes: () => ({
    id: plain(),
    src: plain(),
    alt: plain(),
    caption: plain(),
    credit: plain(),
    align: { ...plain(), default: "normal" },
  }),
  parseHTML() {
    return [
      {
        tag: "figure",
        priority: 60,
        getAttrs: (figure) => {
          const img = figure.querySelector("img[data-media-id]")
          if (!img) return false
          const figcaption = figure.querySelector("figcaption")
          const cite = figcaption && figcaption.querySelector("cite")
          let caption = ""
          if (figcaption) {
            const copy = figcaption.cloneNode(true)
            copy.querySelectorAll("cite").forEach((node) => node.remove())
            caption = copy.textContent.trim()
          }
          return {
            id: img.dataset.mediaId,
            src: img.getAttribute("src") || "",
            alt: img.getAttribute("alt") || "",
            caption,
            credit: cite ? cite.textContent.trim() : "",
            align: ALIGNMENTS.includes(figure.dataset.align) ? figure.dataset.align : "normal",
          }
        },
      },
    ]
  },
  renderHTML({ node }) {
    const a = node.attrs
    const figure = ["figure", { "data-align": a.align }, ["img", { "data-media-id": String(a.id), src: a.src, alt: a.alt }]]
    if (a.caption || a.credit) {
      const figcaption = ["figcaption", {}]
      if (a.caption) figcaption.push(a.credit ? `${a.caption} ` : a.caption)
      if (a.credit) figcaption.push(["cite", {}, a.credit])
      figure.push(figcaption)
    }
    return figure
  },
  addMenuItems({ menu, buttons }) {
    const options = this.options
    menu.defineItem({
      name: "mediaImage",
      groups: "nodes",
      button: buttons.material("add_photo_alternate", options.labels.image),
      command(editor) {
        const current = editor.isActive("mediaImage") ? editor.getAttributes("mediaImage") : null
        chooseImage(editor, options, current)
      },
      active: (editor) => editor.isActive("mediaImage"),
    })
  },
})

export const MediaGallery = Node.create({
  name: "mediaGallery",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,
  addOptions: () => ({ chooserUrl: "", uploadUrl: "", labels: {} }),
  addAttributes: () => ({ ids: plain(), caption: plain(), align: { ...plain(), default: "wide" } }),
  parseHTML() {
    return [
      {
        tag: "figure[data-gallery]",
        priority: 60,
        getAttrs: (figure) => ({
          ids: figure.dataset.gallery,
          caption: figure.querySelector("figcaption")?.textContent.trim() || "",
          align: ALIGNMENTS.includes(figure.dataset.align) ? figure.dataset.align : "wide",
        }),
      },
    ]
  },
  renderHTML({ node }) {
    const a = node.attrs
    const figure = ["figure", { "data-gallery": a.ids, "data-align": a.align }]
    if (a.caption) figure.push(["figcaption", {}, a.caption])
    return figure
  },
  addNodeView() {
    const labels = this.options.labels
    return ({ node }) => {
      const count = node.attrs.ids.split(",").filter(Boolean).length
      const dom = el("figure", { class: "media-gallery-placeholder", "data-gallery": node.attrs.ids })
      dom.append(el("span", { text: format(labels.galleryOf, { count }) }))
      if (node.attrs.caption) dom.append(el("figcaption", { text: node.attrs.caption }))
      return { dom }
    }
  },
  addMenuItems({ menu, buttons }) {
    const options = this.options
    menu.defineItem({
      name: "mediaGallery",
      groups: "nodes",
      button: buttons.material("photo_library", options.labels.gallery),
      command(editor) {
        const current = editor.isActive("mediaGallery") ? editor.getAttributes("mediaGallery") : null
        chooseGallery(editor, options, current)
      },
      active: (editor) => editor.isActive("mediaGallery"),
    })
  },
})

export const MediaEmbed = Node.create({
  name: "mediaEmbed",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,
  addOptions: () => ({ labels: {}, providers: [] }),
  addAttributes: () => ({ url: plain(), title: plain(), provider: plain() }),
  parseHTML() {
    return [
      {
        tag: "figure[data-embed]",
        priority: 60,
        getAttrs: (figure) => {
          const link = figure.querySelector("a[href]")
          if (!link) return false
          return { url: link.getAttribute("href"), title: link.textContent.trim(), provider: figure.dataset.embed }
        },
      },
    ]
  },
  renderHTML({ node }) {
    const a = node.attrs
    return ["figure", { "data-embed": a.provider }, ["a", { href: a.url }, a.title || a.url]]
  },
  addNodeView() {
    const labels = this.options.labels
    return ({ node }) => {
      const dom = el("figure", { class: "media-embed-placeholder", "data-embed": node.attrs.provider })
      dom.append(el("span", { text: format(labels.embedOf, { title: node.attrs.title || node.attrs.url }) }))
      dom.append(el("small", { text: node.attrs.url }))
      return { dom }
    }
  },
  addMenuItems({ menu, buttons }) {
    const options = this.options
    menu.defineItem({
      name: "mediaEmbed",
      groups: "nodes",
      button: buttons.material("smart_display", options.labels.embed),
      command(editor) {
        const current = editor.isActive("mediaEmbed") ? editor.getAttributes("mediaEmbed") : null
        chooseEmbed(editor, options, current)
      },
      active: (editor) => editor.isActive("mediaEmbed"),
    })
  },
})
