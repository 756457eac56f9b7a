"""Callbacks as callbackd renders them, made ahead of time for the bare baselines."""

from __future__ import annotations

import base64
import json
import os
import time
from typing import Any


def callback(url: str, ref: str, index: int) -> dict[str, Any]:
    """One POST of an SMS profile with the variables status and ref: the body, headers and
    Standard Webhooks signature header (a placeholder of the same length) that callbackd sends."""
    message_id = f"dlv_bench{index:012d}"
    body = json.dumps({"status": "Delivered", "ref": ref}, separators=(",", ":"))
    return {
        "method": "POST",
        "url": url,
        "headers": [
            ["user-agent", "callbackd/0.1"],
            ["content-type", "application/json"],
            ["callbackd-delivery-id", message_id],
            ["webhook-id", message_id],
            ["webhook-timestamp", str(int(time.time()))],
            ["webhook-signature", "v1," + base64.b64encode(os.urandom(32)).decode()],
        ],
        "body": body,
    }
