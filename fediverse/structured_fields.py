"""Structured Field Values for HTTP (RFC 8941): the part HTTP Message Signatures (RFC 9421) and
Content-Digest (RFC 9530) need. A Dictionary whose members are Inner Lists of strings with
parameters (Signature-Input) or Byte Sequences (Signature, Content-Digest), read strictly and
serialized canonically (the signature base holds the serialization, not the text received).
Decimals are not read: no signature field uses them.
"""

import base64
import re


class StructuredFieldError(ValueError):
    """The text is not a structured field we read."""


_KEY = re.compile(r"[a-z*][a-z0-9_\-.*]*")
_TOKEN = re.compile(r"[A-Za-z*][A-Za-z0-9!#$%&'*+\-.^_`|~:/]*")
_INTEGER = re.compile(r"-?[0-9]{1,15}")
_BASE64 = re.compile(r"[A-Za-z0-9+/=]*")


class Token(str):
    """A token (serialized bare, unlike a string)."""


class _Reader:
    def __init__(self, text: str):
        self.text = text
        self.at = 0

    def peek(self) -> str:
        return self.text[self.at : self.at + 1]

    def skip(self, characters: str) -> None:
        while self.peek() and self.peek() in characters:
            self.at += 1

    def expect(self, character: str) -> None:
        if self.peek() != character:
            raise StructuredFieldError("malformed structured field")
        self.at += 1

    def matching(self, pattern: re.Pattern) -> str:
        match = pattern.match(self.text, self.at)
        if match is None or not match.group():
            raise StructuredFieldError("malformed structured field")
        self.at = match.end()
        return match.group()

    def key(self) -> str:
        return self.matching(_KEY)

    def bare_item(self):
        character = self.peek()
        if character == '"':
            return self.string()
        if character == ":":
            self.at += 1
            encoded = self.matching(_BASE64) if self.peek() != ":" else ""
            self.expect(":")
            try:
                return base64.b64decode(encoded, validate=True)
            except ValueError:
                raise StructuredFieldError("malformed byte sequence") from None
        if character == "?":
            self.at += 1
            value = self.peek()
            if value not in ("0", "1"):
                raise StructuredFieldError("malformed boolean")
            self.at += 1
            return value == "1"
        if character == "-" or character.isdigit():
            number = self.matching(_INTEGER)
            if self.peek() == ".":
                raise StructuredFieldError("decimals are not used in signatures")
            return int(number)
        return Token(self.matching(_TOKEN))

    def string(self) -> str:
        self.expect('"')
        characters = []
        while True:
            character = self.peek()
            if not character:
                raise StructuredFieldError("unterminated string")
            self.at += 1
            if character == '"':
                return "".join(characters)
            if character == "\\":
                escaped = self.peek()
                if escaped not in ('"', "\\"):
                    raise StructuredFieldError("malformed string")
                self.at += 1
                characters.append(escaped)
            elif not (" " <= character <= "~"):
                raise StructuredFieldError("malformed string")
            else:
                characters.append(character)

    def parameters(self) -> dict:
        parameters = {}
        while self.peek() == ";":
            self.at += 1
            self.skip(" ")
            name = self.key()
            value = True
            if self.peek() == "=":
                self.at += 1
                value = self.bare_item()
            parameters[name] = value
        return parameters

    def item_or_inner_list(self):
        if self.peek() != "(":
            return self.bare_item(), self.parameters()
        self.at += 1
        items = []
        while True:
            self.skip(" ")
            if self.peek() == ")":
                self.at += 1
                return items, self.parameters()
            items.append((self.bare_item(), self.parameters()))
            if self.peek() not in (" ", ")"):
                raise StructuredFieldError("malformed inner list")


def parse_dictionary(text: str) -> dict:
    """A Structured Field Dictionary: {key: (value, parameters)}, a value being an item or
    a list of (item, parameters) for an inner list."""
    reader = _Reader(text or "")
    members = {}
    reader.skip(" \t")
    while reader.peek():
        name = reader.key()
        if reader.peek() == "=":
            reader.at += 1
            members[name] = reader.item_or_inner_list()
        else:
            members[name] = (True, reader.parameters())
        reader.skip(" \t")
        if not reader.peek():
            break
        reader.expect(",")
        reader.skip(" \t")
        if not reader.peek():
            raise StructuredFieldError("trailing comma in a structured field")
    return members


def serialize_item(value, parameters: dict | None = None) -> str:
    if isinstance(value, bool):
        text = "?1" if value else "?0"
    elif isinstance(value, int):
        text = str(value)
    elif isinstance(value, bytes):
        text = ":" + base64.b64encode(value).decode() + ":"
    elif isinstance(value, Token):
        text = str(value)
    else:
        text = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text + serialize_parameters(parameters or {})


def serialize_parameters(parameters: dict) -> str:
    return "".join(
        f";{name}" if value is True else f";{name}={serialize_item(value)}"
        for name, value in parameters.items()
    )


def serialize_inner_list(items: list, parameters: dict) -> str:
    inner = " ".join(serialize_item(value, item_parameters) for value, item_parameters in items)
    return f"({inner})" + serialize_parameters(parameters)
