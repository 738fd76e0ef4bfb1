"""``streamlit`` with its websocket traffic logged (wall-clock times), for bench.click_profile.

Run as ``python -m bench.click_launch run script.py ...`` with ``CLICK_PROFILE_LOG`` naming a
file: each BackMsg received and each ForwardMsg queued and written gets one JSON line.
"""

from __future__ import annotations

import json
import os
import sys
import time


def _patch(log_path: str) -> None:
    from streamlit.runtime.runtime import Runtime
    from streamlit.web.server.starlette import starlette_websocket as ws

    log = open(log_path, "a", buffering=1)  # noqa: SIM115 - open for the server's lifetime

    def note(*fields) -> None:
        log.write(json.dumps([time.time(), *fields]) + "\n")

    handle = Runtime.handle_backmsg

    def handle_backmsg(self, session_id, msg, *args, **kwargs):
        note("back", msg.WhichOneof("type"))
        return handle(self, session_id, msg, *args, **kwargs)

    Runtime.handle_backmsg = handle_backmsg

    write = ws.StarletteSessionClient.write_forward_msg

    def write_forward_msg(self, msg):
        kind = msg.WhichOneof("type")
        detail = ""
        if kind == "delta":
            detail = msg.delta.WhichOneof("type") or ""
            if detail == "new_element":
                detail += ":" + (msg.delta.new_element.WhichOneof("type") or "")
        elif kind == "script_finished":
            detail = str(msg.script_finished)
        note("queue", kind, detail, list(msg.metadata.delta_path), msg.hash[:8], msg.ByteSize())
        if os.environ.get("CLICK_PROFILE_DUMP") and kind == "delta" and "html" not in detail:
            with open(os.environ["CLICK_PROFILE_DUMP"], "a") as dump:
                dump.write(f"=== {list(msg.metadata.delta_path)} {msg.hash[:8]}\n{msg.delta}\n")
        return write(self, msg)

    ws.StarletteSessionClient.write_forward_msg = write_forward_msg

    init = ws.StarletteSessionClient.__init__

    def __init__(self, websocket):
        init(self, websocket)
        send = websocket.send_bytes

        async def send_bytes(payload):
            await send(payload)
            note("sent", len(payload))

        websocket.send_bytes = send_bytes

    ws.StarletteSessionClient.__init__ = __init__


if __name__ == "__main__":
    if os.environ.get("CLICK_PROFILE_LOG"):
        _patch(os.environ["CLICK_PROFILE_LOG"])
    from streamlit.web.cli import main

    sys.argv[0] = "streamlit"
    main(prog_name="streamlit")
