// A small fediverse server built on Fedify (the framework Ghost's social web runs on), for
// tests/fediverse_peer/test_fedify_peer.py: an implementation of ActivityPub that is not ours,
// talking to our site over HTTPS on this machine.
//
// It has one account, `reader`, whose actor document, inbox (and shared inbox), key pairs and
// notes Fedify serves. Fedify's own code does the federation: WebFinger and actor lookup, HTTP
// signatures made on what it sends and verified on what it receives (an activity whose
// signature fails never reaches the listeners below).
//
// The test drives it over stdin/stdout, one JSON object a line. The first line it writes is
// {"ready": {"origin": ...}}; then for each command read ({"command": "lookup", ...}: see
// COMMANDS below) it writes one {"ok": true, "result": ...} or {"ok": false, "error": ...}.
// Logs go to stderr only.
//
// Environment: PEER_CERT and PEER_KEY (PEM files of its TLS certificate), PEER_HOST (the host
// name in its addresses, default localhost), NODE_EXTRA_CA_CERTS (the test's certificate
// authority, which our site's certificate chains to), PEER_DEBUG=1 for Fedify's logs.
// Nothing outside this machine is ever fetched: fetch refuses any other host.

import { readFileSync } from "node:fs";
import https from "node:https";
import { createInterface } from "node:readline";
import { format } from "node:util";
import { randomUUID } from "node:crypto";

import {
  Accept,
  Create,
  Delete,
  Endpoints,
  Follow,
  Note,
  Person,
  PUBLIC_COLLECTION,
  traverseCollection,
  Tombstone,
  Undo,
  Update,
  createFederation,
  generateCryptoKeyPair,
  getNodeInfo,
  lookupWebFinger,
  MemoryKvStore,
} from "@fedify/fedify";
import { Temporal } from "@js-temporal/polyfill";
import { configure } from "@logtape/logtape";

const USERNAME = "reader";
const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);
const HOST = process.env.PEER_HOST || "localhost";

// Standard output carries the test's protocol only: anything a library prints goes to stderr.
for (const name of ["log", "info", "debug", "warn"]) {
  console[name] = (...values) => process.stderr.write(`${format(...values)}\n`);
}

if (process.env.PEER_DEBUG) {
  await configure({
    sinks: {
      stderr: (record) =>
        process.stderr.write(
          `${record.level} ${record.category.join(".")}: ${record.message.join("")}\n`,
        ),
    },
    loggers: [
      { category: "fedify", lowestLevel: "debug", sinks: ["stderr"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["stderr"] },
    ],
  });
}

// No network beyond this machine: Fedify fetches through the global fetch (its JSON-LD
// contexts are preloaded), which refuses any other host here.
const fetchAnywhere = globalThis.fetch;
globalThis.fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : input);
  if (!LOCAL_HOSTS.has(url.hostname)) {
    return Promise.reject(new Error(`the test peer fetches nothing outside this machine: ${url}`));
  }
  return fetchAnywhere(input, init);
};

const federation = createFederation({
  kv: new MemoryKvStore(),
  // Our site listens on 127.0.0.1: Fedify refuses private addresses unless told.
  allowPrivateAddress: true,
});

// RSA for HTTP signatures (what Mastodon and Rivista read), Ed25519 beside it, as Fedify's
// own guide sets an actor up: the actor document lists both.
const keyPairs = [
  await generateCryptoKeyPair("RSASSA-PKCS1-v1_5"),
  await generateCryptoKeyPair("Ed25519"),
];

// What the listeners saw, in order: only activities whose signatures Fedify verified.
const received = [];
const notes = new Map();

federation
  .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
    if (identifier !== USERNAME) return null;
    const keys = await ctx.getActorKeyPairs(identifier);
    return new Person({
      id: ctx.getActorUri(identifier),
      preferredUsername: identifier,
      name: "Lettrice Fedify",
      summary: "Legge riviste dal fediverso.",
      url: new URL(`/@${identifier}`, ctx.url),
      inbox: ctx.getInboxUri(identifier),
      endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
      publicKey: keys[0].cryptographicKey,
      assertionMethods: keys.map((key) => key.multikey),
    });
  })
  .setKeyPairsDispatcher((ctx, identifier) => (identifier === USERNAME ? keyPairs : []));

federation.setObjectDispatcher(Note, "/notes/{id}", (ctx, values) => notes.get(values.id) ?? null);

federation
  .setInboxListeners("/users/{identifier}/inbox", "/inbox")
  .on(Accept, async (ctx, accept) => {
    const follow = await accept.getObject();
    received.push({
      type: "Accept",
      id: accept.id?.href ?? null,
      actor: accept.actorId?.href ?? null,
      object: follow?.id?.href ?? null,
      objectType: follow instanceof Follow ? "Follow" : null,
      recipient: ctx.recipient,
    });
  })
  .on(Create, async (ctx, create) => {
    const object = await create.getObject();
    const tags = [];
    if (object?.getTags != null) {
      for await (const tag of object.getTags()) tags.push(tag?.name?.toString() ?? null);
    }
    const image = await object?.getImage?.();
    received.push({
      type: "Create",
      id: create.id?.href ?? null,
      actor: create.actorId?.href ?? null,
      objectType: object?.constructor?.name ?? null,
      objectId: object?.id?.href ?? null,
      name: object?.name?.toString() ?? null,
      summary: object?.summary?.toString() ?? null,
      content: object?.content?.toString() ?? null,
      url: object?.url?.href ?? null,
      attributedTo: object?.attributionId?.href ?? null,
      published: object?.published?.toString() ?? null,
      tags,
      image: image?.url?.href ?? null,
      recipient: ctx.recipient,
    });
  })
  .onError((ctx, error) => {
    process.stderr.write(`inbox error: ${error?.stack ?? error}\n`);
  });

// The test's commands.

let target = null; // the actor looked up, once "lookup" has run
let following = null; // the Follow sent, for its Undo

async function lookup({ handle }, ctx) {
  const jrd = await lookupWebFinger(`acct:${handle.replace(/^@/, "")}`, {
    allowPrivateAddress: true,
  });
  const actor = await ctx.lookupObject(handle);
  if (actor == null) throw new Error(`no actor found for ${handle}`);
  target = actor;
  return {
    webfinger: jrd,
    id: actor.id?.href ?? null,
    type: actor.constructor.name,
    preferredUsername: actor.preferredUsername?.toString() ?? null,
    name: actor.name?.toString() ?? null,
    inbox: actor.inboxId?.href ?? null,
    sharedInbox: actor.endpoints?.sharedInbox?.href ?? null,
    outbox: actor.outboxId?.href ?? null,
    followers: actor.followersId?.href ?? null,
    publicKey: actor.publicKeyId?.href ?? null,
  };
}

async function follow(_command, ctx) {
  if (target == null) throw new Error("lookup first");
  const id = new URL(`/follows/${randomUUID()}`, ctx.origin);
  following = new Follow({ id, actor: ctx.getActorUri(USERNAME), object: target.id });
  await ctx.sendActivity({ identifier: USERNAME }, target, following);
  return { id: id.href, actor: ctx.getActorUri(USERNAME).href };
}

async function unfollow(_command, ctx) {
  if (following == null) throw new Error("follow first");
  await ctx.sendActivity(
    { identifier: USERNAME },
    target,
    new Undo({
      id: new URL(`/undos/${randomUUID()}`, ctx.origin),
      actor: ctx.getActorUri(USERNAME),
      object: following,
    }),
  );
  return { id: following.id.href };
}

async function reply({ inReplyTo, content }, ctx) {
  if (target == null) throw new Error("lookup first");
  const noteId = randomUUID();
  const note = new Note({
    id: ctx.getObjectUri(Note, { id: noteId }),
    attribution: ctx.getActorUri(USERNAME),
    to: PUBLIC_COLLECTION,
    cc: target.id,
    replyTarget: new URL(inReplyTo),
    content,
    published: Temporal.Now.instant(),
  });
  notes.set(noteId, note);
  await ctx.sendActivity(
    { identifier: USERNAME },
    target,
    new Create({
      id: new URL(`/creates/${noteId}`, ctx.origin),
      actor: ctx.getActorUri(USERNAME),
      to: PUBLIC_COLLECTION,
      cc: target.id,
      object: note,
    }),
    { preferSharedInbox: true },
  );
  return { id: note.id.href };
}

// An object fetched by its id ({"id"}), as Fedify reads it.
async function object({ id }, ctx) {
  const found = await ctx.lookupObject(id);
  if (found == null) throw new Error(`nothing found at ${id}`);
  return {
    type: found.constructor.name,
    id: found.id?.href ?? null,
    name: found.name?.toString() ?? null,
    attributedTo: found.attributionId?.href ?? null,
    url: found.url?.href ?? null,
  };
}

// The objects the looked-up actor's outbox announces, every page of it walked.
async function outbox(_command, ctx) {
  if (target == null) throw new Error("lookup first");
  const documentLoader = ctx.documentLoader;
  const collection = await target.getOutbox({ documentLoader });
  const objects = [];
  for await (const activity of traverseCollection(collection, { documentLoader })) {
    objects.push({ type: activity.constructor.name, object: activity.objectId?.href ?? null });
  }
  return { totalItems: collection.totalItems, objects };
}

// A server's NodeInfo ({"origin"}), read strictly: undefined if it breaks the schema.
async function nodeinfo({ origin }) {
  const info = await getNodeInfo(origin, { parse: "strict" });
  if (info == null) throw new Error(`no valid NodeInfo at ${origin}`);
  return {
    software: info.software.name,
    protocols: info.protocols,
    users: info.usage.users.total ?? null,
    localPosts: info.usage.localPosts,
  };
}

// The note edited ({"id", "content"}): an Update carrying the whole note, as Mastodon sends.
async function edit({ id, content }, ctx) {
  const noteId = new URL(id).pathname.split("/").pop();
  const note = notes.get(noteId).clone({ content, updated: Temporal.Now.instant() });
  notes.set(noteId, note);
  await ctx.sendActivity(
    { identifier: USERNAME },
    target,
    new Update({
      id: new URL(`/updates/${randomUUID()}`, ctx.origin),
      actor: ctx.getActorUri(USERNAME),
      to: PUBLIC_COLLECTION,
      cc: target.id,
      object: note,
    }),
    { preferSharedInbox: true },
  );
  return { id };
}

// The note deleted ({"id"}): a Delete of its Tombstone.
async function remove({ id }, ctx) {
  notes.delete(new URL(id).pathname.split("/").pop());
  await ctx.sendActivity(
    { identifier: USERNAME },
    target,
    new Delete({
      id: new URL(`/deletes/${randomUUID()}`, ctx.origin),
      actor: ctx.getActorUri(USERNAME),
      to: PUBLIC_COLLECTION,
      object: new Tombstone({ id: new URL(id) }),
    }),
    { preferSharedInbox: true },
  );
  return { id };
}

const COMMANDS = {
  lookup,
  nodeinfo,
  object,
  outbox,
  follow,
  unfollow,
  reply,
  edit,
  remove,
  received: async () => received,
};

// Node's HTTPS server in front of Fedify's fetch-style handler.

async function toRequest(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  const hasBody = !["GET", "HEAD"].includes(req.method);
  return new Request(new URL(req.url, `https://${req.headers.host}`), {
    method: req.method,
    headers,
    body: hasBody ? Buffer.concat(chunks) : undefined,
  });
}

const server = https.createServer(
  { cert: readFileSync(process.env.PEER_CERT), key: readFileSync(process.env.PEER_KEY) },
  async (req, res) => {
    try {
      const response = await federation.fetch(await toRequest(req), {
        contextData: undefined,
        onNotFound: () => new Response("Not found", { status: 404 }),
        onNotAcceptable: () => new Response("Not acceptable", { status: 406 }),
      });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      process.stderr.write(`request error: ${error?.stack ?? error}\n`);
      res.writeHead(500).end();
    }
  },
);

server.listen(0, "127.0.0.1", () => {
  const origin = `https://${HOST}:${server.address().port}`;
  const ctx = () => federation.createContext(new URL(origin), undefined);
  process.stdout.write(`${JSON.stringify({ ready: { origin } })}\n`);
  const lines = createInterface({ input: process.stdin });
  lines.on("line", async (line) => {
    let answer;
    try {
      const command = JSON.parse(line);
      const run = COMMANDS[command.command];
      if (run == null) throw new Error(`unknown command ${command.command}`);
      answer = { ok: true, result: await run(command, ctx()) };
    } catch (error) {
      answer = { ok: false, error: String(error?.stack ?? error) };
    }
    process.stdout.write(`${JSON.stringify(answer)}\n`);
  });
  lines.on("close", () => server.close(() => process.exit(0)));
});
