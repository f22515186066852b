"""Where the buyer's reply text comes from: the built-in repertoire or a chat endpoint.

The practice engine decides the reply kind and picks a line of the persona's repertoire
in every case, so the state, the scorecard and the random draws do not depend on the
responder. :class:`ChatEndpointResponder` then asks an OpenAI-compatible
``/chat/completions`` endpoint to say that line in the persona's own words; when the
endpoint fails or times out, the built-in line is used and the reply carries the notice
``personas.responder.fallback``.

The endpoint is off by default. It is used when ``WORKBENCH_LLM_BASE_URL`` is set:

| variable | meaning | default |
|---|---|---|
| ``WORKBENCH_LLM_BASE_URL`` | base URL, e.g. ``http://127.0.0.1:8000/v1`` | unset: built-in |
| ``WORKBENCH_LLM_MODEL`` | model name sent in the request | ``default`` |
| ``WORKBENCH_LLM_API_KEY`` | sent as ``Authorization: Bearer``; never logged | none |
| ``WORKBENCH_LLM_TIMEOUT`` | seconds to wait for a response | 10 |
"""

from __future__ import annotations

import json
import logging
import os
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Protocol

from workbench.personas.library import Persona

__all__ = [
    "DEFAULT_TIMEOUT",
    "BuiltInResponder",
    "ChatEndpointResponder",
    "Reply",
    "ReplyRequest",
    "Responder",
    "default_responder",
]

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0
# A persona reply is a sentence or two; longer output is cut at this many characters.
MAX_REPLY_CHARS = 600

_LANGUAGE_NAMES = {"zh-CN": "Simplified Chinese", "en": "English"}


@dataclass(frozen=True)
class ReplyRequest:
    """What a responder needs for one reply."""

    persona: Persona
    lang: str
    kind: str
    line: dict[str, str] | None
    rep_text: str
    history: list[tuple[str, str]] = field(default_factory=list)
    state: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Reply:
    """A reply, where it came from (``built_in`` or ``endpoint``) and an optional notice key."""

    text: str
    source: str = "built_in"
    notice: str | None = None


class Responder(Protocol):
    """Anything that turns a :class:`ReplyRequest` into a :class:`Reply`."""

    def respond(self, request: ReplyRequest) -> Reply:
        """Return the buyer's reply."""
        ...


class BuiltInResponder:
    """Replies with the repertoire line the engine picked, offline."""

    name = "built_in"

    def respond(self, request: ReplyRequest) -> Reply:
        """Return the picked line in the request's language."""
        line = request.line or {}
        return Reply(line.get(request.lang, ""), "built_in")


class ChatEndpointResponder:
    """Rewords the picked line through an OpenAI-compatible chat endpoint.

    Parameters
    ----------
    base_url
        Endpoint base, to which ``/chat/completions`` is appended.
    model
        Model name sent in the request.
    api_key
        Bearer token, or ``None`` for endpoints without authentication.
    timeout
        Seconds to wait for the response before falling back.
    """

    name = "endpoint"

    def __init__(self, base_url: str, model: str = "default", api_key: str | None = None,
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.timeout = timeout
        self._api_key = api_key
        self._fallback = BuiltInResponder()
        self.failures = 0

    def __repr__(self) -> str:
        return f"ChatEndpointResponder(url={self.url!r}, model={self.model!r})"

    def respond(self, request: ReplyRequest) -> Reply:
        """Return the endpoint's reply, or the built-in line with a fallback notice."""
        try:
            text = self._complete(request)
        except (OSError, ValueError, KeyError, IndexError, TypeError) as error:
            # OSError covers refused connections, timeouts and HTTP errors (URLError and
            # HTTPError derive from it); the others cover malformed response bodies.
            self.failures += 1
            logger.warning("chat endpoint %s failed (%s: %s); using the built-in reply "
                           "(failure %d)", self.url, type(error).__name__, error,
                           self.failures)
            built_in = self._fallback.respond(request)
            return Reply(built_in.text, "built_in", "personas.responder.fallback")
        return Reply(text, "endpoint")

    def _complete(self, request: ReplyRequest) -> str:
        body = json.dumps({"model": self.model, "messages": _messages(request),
                           "temperature": 0.7}).encode("utf-8")
        headers = {"Content-Type": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        http_request = urllib.request.Request(self.url, data=body, headers=headers,
                                              method="POST")
        with urllib.request.urlopen(http_request, timeout=self.timeout) as response:
            document = json.loads(response.read().decode("utf-8"))
        text = str(document["choices"][0]["message"]["content"]).strip()
        if not text:
            raise ValueError("empty reply")
        return text[:MAX_REPLY_CHARS]


def _messages(request: ReplyRequest) -> list[dict[str, str]]:
    """Build the chat messages: the persona brief as system prompt, then the history."""
    persona = request.persona
    traits = ", ".join(f"{name} {value:.2f}" for name, value in persona.traits.items())
    language = _LANGUAGE_NAMES.get(request.lang, "English")
    intended = (request.line or {}).get(request.lang, "")
    system = (
        f"You are role-playing a B2B buyer in a sales training exercise. "
        f"Persona: {persona.name['en']} ({persona.role['en']}). {persona.summary['en']} "
        f"Traits on a 0-1 scale: {traits}. Current state: trust {request.state.get('trust')}, "
        f"patience {request.state.get('patience')} out of 100. "
        f"Reply in {language}, in one or two sentences, as this buyer would speak. "
        f"Your reply must convey this reaction ({request.kind}): {intended}"
    )
    messages = [{"role": "system", "content": system}]
    for rep_text, buyer_text in request.history[-6:]:
        messages.append({"role": "user", "content": rep_text})
        messages.append({"role": "assistant", "content": buyer_text})
    messages.append({"role": "user", "content": request.rep_text})
    return messages


def default_responder() -> Responder:
    """Return the endpoint responder when ``WORKBENCH_LLM_BASE_URL`` is set, else built-in."""
    base_url = os.environ.get("WORKBENCH_LLM_BASE_URL", "").strip()
    if not base_url:
        return BuiltInResponder()
    try:
        timeout = float(os.environ.get("WORKBENCH_LLM_TIMEOUT", DEFAULT_TIMEOUT))
    except ValueError:
        logger.warning("WORKBENCH_LLM_TIMEOUT is not a number; using %s s", DEFAULT_TIMEOUT)
        timeout = DEFAULT_TIMEOUT
    return ChatEndpointResponder(base_url, os.environ.get("WORKBENCH_LLM_MODEL", "default"),
                                 os.environ.get("WORKBENCH_LLM_API_KEY") or None, timeout)
