"""Who may see each personal field (可见/不可见), declared in one place.

public     anyone signed in          community  members of the person's community
grid       the person's grid worker  committee  committee staff with PERSONAL_DATA_UNMASK (with a reason)
self       only the person           secret     nobody through the API (server use only)

Fields classified `committee` are encrypted at rest and masked in every response. A test fails when
a model gains a field that is not classified here.
"""

CLASSIFICATION: dict[str, dict[str, str]] = {
    "Person": {
        "id": "public", "created_at": "self", "display_name": "community",
        "phone_encrypted": "committee", "phone_lookup": "secret", "phone_last4": "grid",
        "id_number_encrypted": "committee", "id_number_lookup": "secret",
        "handle": "secret", "anonymized_at": "self",
    },
    "PersonRoom": {
        "id": "community", "created_at": "committee", "community_id": "community", "person_id": "community",
        "room_id": "grid", "household_id": "grid", "role": "grid", "since": "grid", "until": "grid",
        "verified_by_id": "committee", "channel": "committee",
    },
    "WechatAccount": {"id": "secret", "created_at": "secret", "person_id": "secret", "openid": "secret",
                      "unionid": "secret", "session_key_encrypted": "secret"},
    "FirebaseAccount": {"id": "secret", "created_at": "secret", "person_id": "secret", "uid": "secret"},
    "AuthSession": {"id": "self", "created_at": "self", "person_id": "self", "method": "self", "user_agent": "self",
                    "last_used_at": "self", "revoked_at": "self", "revoked_reason": "self", "revoked_by_id": "self"},
    "AccessLog": {"id": "committee", "created_at": "committee", "community_id": "committee",
                  "viewer_id": "committee", "subject_id": "committee", "field": "committee", "reason": "committee"},
    "Consent": {"id": "self", "created_at": "self", "person_id": "self", "document": "self", "version": "self",
                "channel": "self"},
}
