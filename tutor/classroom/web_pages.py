"""The browser classroom's two pages: the login form, and the terminal page that runs
textual-serve's front-end (xterm.js in `textual.js`, with its CSS and fonts).

textual-serve's own page template loads a web font from Google and names Textual; this one
loads nothing from outside the server, works under any path prefix a reverse proxy gives it
(every address is relative), says why a session ended, and has a screen-reader mode
(`?reader=1`: xterm.js mirrors the rows as text for assistive technology).
"""

from __future__ import annotations

import html
from collections.abc import Callable

from tutor.i18n import N_

Translate = Callable[[str], str]

TITLE = N_("tutor · classroom")
NAME = N_("Name")
PASSWORD = N_("Password")
LOG_IN = N_("Log in")
LOG_OUT = N_("Log out")
WRONG = N_("Wrong name or password.")
BLOCKED = N_("Too many failed logins for this name: wait ten minutes, or ask your teacher.")
KEYS_ONLY = N_("This classroom admits students by SSH key only: there is no password to log in.")
ENDED = N_("The session ended.")
AGAIN = N_("Start again")
STARTING = N_("Starting your tutor…")
PLAIN_HTTP = N_(
    "This classroom refuses plain HTTP from other machines: open it with https:// through the "
    "school's proxy, or ask your teacher (who may start it with --insecure-http)."
)

STYLE = """
body { background: #0c181f; color: #e8eef2; font-family: ui-monospace, "Roboto Mono", Menlo,
  monospace; margin: 0; }
main.login { max-width: 22rem; margin: 12vh auto; padding: 2rem; background: #12232d; }
main.login h1 { font-size: 1.2rem; margin: 0 0 1.5rem; }
label { display: block; margin: 0.8rem 0 0.3rem; }
input { width: 100%; box-sizing: border-box; padding: 0.5rem; font: inherit; }
button { margin-top: 1.2rem; padding: 0.6rem 1.4rem; font: inherit; background: #5e0ba7;
  color: #fff; border: none; cursor: pointer; }
p.error { color: #ff9b9b; }
#terminal { position: absolute; inset: 0; }
.notice { position: absolute; inset: 0; display: none; align-items: center;
  justify-content: center; z-index: 10; background: rgba(12, 24, 31, 0.92); }
.notice div { background: #12232d; padding: 2rem 3rem; text-align: center; max-width: 40rem; }
body:not(.-first-byte) .starting { display: flex; }
body.-closed .closed { display: flex; }
body.-closed .starting { display: none; }
"""


def _page(title: str, body: str, head: str = "") -> str:
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style>{head}</head>"
        f"<body{body}</html>\n"
    )


def login_page(t: Translate, error: str = "", name: str = "", action: str = "login") -> str:
    """The form; `error` is one of this module's messages, already translated."""
    shown = f'<p class="error" role="alert">{html.escape(error)}</p>' if error else ""
    return _page(
        t(TITLE),
        '><main class="login">'
        f"<h1>{html.escape(t(TITLE))}</h1>{shown}"
        f'<form method="post" action="{html.escape(action)}">'
        f'<label for="name">{html.escape(t(NAME))}</label>'
        f'<input id="name" name="name" autocomplete="username" required autofocus '
        f'value="{html.escape(name)}">'
        f'<label for="password">{html.escape(t(PASSWORD))}</label>'
        '<input id="password" name="password" type="password" autocomplete="current-password" '
        "required>"
        f'<button type="submit">{html.escape(t(LOG_IN))}</button>'
        "</form></main></body>",
    )


def terminal_page(t: Translate, user: str, font_size: int, reader: bool) -> str:
    """textual-serve's front-end on a page of ours: the websocket's address is made from the
    page's own (ws: or wss:, any path prefix), and a closed session says why (`ended`)."""
    script = """<script>
document.addEventListener("DOMContentLoaded", () => {
  const url = new URL("ws", window.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  document.getElementById("terminal").dataset.sessionWebsocketUrl = url.href;
  new MutationObserver(async () => {
    if (!document.body.classList.contains("-closed")) return;
    try {
      const reply = await fetch("ended", {cache: "no-store"});
      const text = await reply.text();
      if (text) document.getElementById("why").textContent = text;
    } catch (e) {}
  }).observe(document.body, {attributes: true, attributeFilter: ["class"]});
});
</script>
<link rel="stylesheet" href="static/css/xterm.css">
<script src="static/js/textual.js"></script>"""
    return _page(
        t(TITLE),
        f' data-reader="{"1" if reader else ""}" data-user="{html.escape(user)}">'
        f'<div class="notice starting"><div>{html.escape(t(STARTING))}</div></div>'
        '<div class="notice closed"><div>'
        f'<p id="why">{html.escape(t(ENDED))}</p>'
        '<form method="get" action=".">'
        + ('<input type="hidden" name="reader" value="1">' if reader else "")
        + f"<button>{html.escape(t(AGAIN))}</button></form>"
        f'<form method="post" action="logout"><button>{html.escape(t(LOG_OUT))}</button></form>'
        "</div></div>"
        f'<div id="terminal" class="textual-terminal" data-font-size="{font_size}"></div>'
        "</body>",
        head=script,
    )
