"""The FCM message of a push, built from a template made once per notification: each device's push
carries its own token and delivery key, whatever the notice's text holds."""

import hashlib
import json

from backend.notify.channels import _fcm_body


def message(token: str, key: str, title: str, body: str = "正文", data: dict | None = None) -> dict:
    return json.loads(_fcm_body(token, key, title, body, data or {"kind": "notice", "page": "pages/a"}))["message"]


def test_each_push_of_a_notice_carries_its_own_token_and_key():
    first, second = message("tok-a", "notice:1:a:FCM", "停水通知"), message("tok-b", "notice:1:b:FCM", "停水通知")
    assert (first["token"], first["data"]["delivery_key"]) == ("tok-a", "notice:1:a:FCM")
    assert (second["token"], second["data"]["delivery_key"]) == ("tok-b", "notice:1:b:FCM")
    collapse = hashlib.sha256(b"notice:1:b:FCM").hexdigest()[:32]
    assert second["android"] == {"collapse_key": collapse}
    assert second["apns"] == {"headers": {"apns-collapse-id": collapse}}
    assert second["notification"] == {"title": "停水通知", "body": "正文"}
    assert second["data"] == {"kind": "notice", "page": "pages/a", "delivery_key": "notice:1:b:FCM"}


def test_text_that_looks_like_json_or_a_placeholder_arrives_as_written():
    tricky = '"}, "token": "evil'
    sent = message('tok-"x"', "k:1", tricky, body="\0K", data={"kind": "\0T", "page": "\\"})
    assert sent["token"] == 'tok-"x"' and sent["data"]["delivery_key"] == "k:1"
    assert sent["notification"] == {"title": tricky, "body": "K"}  # a NUL cannot be shown: dropped
    assert sent["data"]["kind"] == "T" and sent["data"]["page"] == "\\"
