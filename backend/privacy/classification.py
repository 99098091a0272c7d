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
    # Voting: who may vote and who took part are the poll's staff's (VOTE_MANAGE); what a ballot
    # says is its voter's, shown to whoever holds its receipt code.
    "ElectorateEntry": {"id": "committee", "created_at": "committee", "poll_id": "committee",
                        "household_id": "committee", "label": "committee", "room_ids": "committee",
                        "area_dm2": "committee", "headcount": "committee"},
    "ElectorateVoter": {"id": "committee", "created_at": "committee", "poll_id": "committee",
                        "entry_id": "committee", "person_id": "committee"},
    "VoteAuthorisation": {"id": "committee", "created_at": "committee", "poll_id": "committee",
                          "entry_id": "committee", "principal_id": "committee", "agent_id": "committee",
                          "evidence_id": "committee", "recorded_by_id": "committee"},
    "BallotParticipation": {"id": "committee", "created_at": "committee", "poll_id": "committee",
                            "entry_id": "committee", "channel": "committee", "cast_by_id": "committee",
                            "evidence_id": "committee", "reason": "committee", "changes": "committee",
                            "change_hash": "secret", "content_id": "secret"},
    "BallotContent": {"id": "secret", "poll_id": "self", "answer": "self", "tracker_hash": "secret",
                      "area_dm2": "self", "headcount": "self", "batch": "self"},
    # Cases: the resident's, seen by them (and their proxy with CASE, and followers: public parts) and
    # by the handlers in reach (a grid worker: of the place's grid); the sweeper's bookkeeping is its own.
    "Case": {"accept_due_at": "grid", "accepted_at": "grid", "area_id": "grid", "building_id": "grid",
             "category_id": "grid", "channel": "grid", "community_id": "grid", "confirmed_at": "grid",
             "created_at": "grid", "escalated_at": "grid", "grid_id": "grid", "handler_id": "grid", "id": "grid",
             "merged_into_id": "grid", "party": "grid", "paused_at": "grid", "photos": "grid", "place_name": "grid",
             "raised_by_id": "grid", "referred_to": "grid", "resident_id": "grid", "resolution": "grid",
             "resolve_due_at": "grid", "resolved_at": "grid", "room_id": "grid", "round": "grid", "state": "grid",
             "text": "grid", "unit_id": "grid", "urged_on": "grid", "next_check_at": "secret",
             "reminded_for": "secret", "escalated_for": "secret"},
    "CaseEntry": {"acting_for_id": "grid", "author_id": "grid", "body": "grid", "case_id": "grid",
                  "created_at": "grid", "id": "grid", "internal": "grid", "kind": "grid"},
    "CaseConfirmation": {"case_id": "grid", "comment": "grid", "created_at": "grid", "id": "grid", "outcome": "grid",
                         "person_id": "grid", "rating": "grid", "round": "grid"},
    "CaseFollower": {"case_id": "grid", "created_at": "grid", "id": "grid", "person_id": "grid"},
    # Who supervises a street: the platform operator's to manage (the person shown masked).
    "StreetSupervisor": {"created_at": "committee", "id": "committee", "person_id": "committee",
                         "street_id": "committee"},
    # Policy questions: the asker's (and their proxy's with CASE) and the answering staff's, like a case's;
    # a published one (its text and answer, never who asked) is the community's FAQ.
    "Question": {"answer": "community", "answered_at": "community", "answered_by_id": "grid",
                 "asked_by_id": "grid", "asker_id": "grid", "community_id": "community",
                 "created_at": "community", "id": "community", "published_at": "community", "state": "community",
                 "text": "community"},
    # Moderation: reported content and who reported it are the moderators' (MODERATE, committee
    # staff); the author sees their own hidden content and appeal, never who reported it.
    "ModeratedItem": {"id": "committee", "created_at": "committee", "community_id": "committee",
                      "kind": "committee", "target_id": "committee", "author_id": "committee",
                      "original": "committee", "state": "committee", "reports": "committee",
                      "hidden_at": "committee", "decided_by_id": "committee", "decided_at": "committee"},
    "ModerationReport": {"id": "committee", "created_at": "committee", "item_id": "committee",
                         "reporter_id": "committee", "reason": "committee", "note": "committee"},
    "ModerationAppeal": {"id": "committee", "created_at": "committee", "item_id": "committee",
                         "author_id": "committee", "text": "committee", "state": "committee",
                         "decided_by_id": "committee", "decided_at": "committee", "reason": "committee"},
    "ModerationLogEntry": {"id": "committee", "created_at": "committee", "community_id": "committee",
                           "item_id": "committee", "actor_id": "committee", "action": "committee",
                           "reason": "committee"},
    # Deliberation: what a member writes in the 议事厅 is for their community; which household supports
    # a proposal is the committee's (residents see only the count).
    "Topic": {"id": "community", "created_at": "community", "community_id": "community", "author_id": "community",
              "household_id": "committee", "title": "community", "body": "community", "state": "community",
              "supporters_needed": "community", "supporters": "community", "agenda_at": "community",
              "poll_id": "community", "response": "community", "responded_by_id": "committee",
              "responded_at": "community", "closed_at": "community", "hidden_at": "committee"},
    "TopicComment": {"id": "community", "created_at": "community", "topic_id": "community", "parent_id": "community",
                     "author_id": "community", "body": "community", "hidden_at": "committee"},
    "TopicSupport": {"id": "committee", "created_at": "committee", "topic_id": "committee",
                     "household_id": "committee", "person_id": "committee"},
    # Market: a listing is for its community, except the room (only the accepted buyer and the
    # seller); who reserved, entered, messaged and rated is the two parties'; the handover code is
    # the buyer's alone.
    "Listing": {"id": "community", "created_at": "community", "community_id": "community",
                "seller_id": "community", "kind": "community", "category": "community", "condition": "community",
                "title": "community", "description": "community", "price_fen": "community",
                "giveaway_mode": "community", "draw_at": "community", "draw_seed": "community",
                "drawn_at": "community", "estate_id": "community", "building_id": "community", "room_id": "self",
                "state": "community", "published_at": "community", "expires_at": "self",
                "renewal_reminded_at": "self", "hidden_at": "committee", "updated_at": "community"},
    "Reservation": {"id": "self", "created_at": "self", "listing_id": "self", "buyer_id": "self", "state": "self",
                    "handover_code_encrypted": "secret", "wrong_codes": "self", "locked_at": "self", "giveaway": "self",
                    "ended_at": "self", "end_reason": "self"},
    "LotteryEntry": {"id": "self", "created_at": "self", "listing_id": "self", "person_id": "self"},
    "Conversation": {"id": "self", "created_at": "self", "listing_id": "self", "buyer_id": "self",
                     "last_message_at": "self"},
    "Message": {"id": "self", "created_at": "self", "conversation_id": "self", "sender_id": "self", "body": "self",
                "read_at": "self"},
    "Rating": {"id": "community", "created_at": "community", "reservation_id": "self", "rater_id": "self",
               "ratee_id": "community", "stars": "community", "comment": "community"},
    "Favourite": {"id": "self", "created_at": "self", "person_id": "self", "listing_id": "self"},
    "SavedSearch": {"id": "self", "created_at": "self", "person_id": "self", "community_id": "self",
                    "query": "self", "filters": "self"},
    # Paid services. A provider is a business: its name and categories are public, its contact and
    # licence for the operator (the phone encrypted and masked), its payout ids for its admin and the
    # operator. An order is its resident's ("self"), shown to the provider serving it and read by the
    # community's SERVICES_MANAGE staff; a subsidy grant (低保, 失能) is the committee's.
    "Provider": {"id": "public", "created_at": "public", "name": "public", "state": "public",
                 "categories": "public", "contact_name": "committee", "contact_phone_encrypted": "committee",
                 "licence_id": "committee", "stripe_account_id": "secret", "wechat_sub_mchid": "secret",
                 "applied_by_id": "committee", "verified_by_id": "committee", "verified_at": "public",
                 "decision_note": "committee", "updated_at": "public"},
    "ProviderMember": {"id": "committee", "created_at": "committee", "provider_id": "committee",
                       "person_id": "committee", "role": "committee", "active": "committee"},
    "Order": {name: "self" for name in (
        "id", "created_at", "updated_at", "community_id", "resident_id", "placed_by_id", "provider_id", "category",
        "service_id", "slot_id", "menu_id", "room_id", "fulfilment", "scheduled_at", "note", "state", "worker_id",
        "amount_fen", "resident_fen", "subsidy_fen", "commission_fen", "gateway_fee_fen", "refunded_fen",
        "commission_rule", "cancellation_tiers", "gateway", "payment_version", "pay_by", "accept_by", "confirm_by",
        "paid_at", "checked_in_at", "check_in_photo_id", "completed_at", "settled_at")},
    "OrderDispute": {name: "self" for name in ("id", "created_at", "order_id", "reason", "outcome", "refund_fen",
                                                "decided_by_id", "decided_at", "decision_note")},
    "OrderRating": {"id": "self", "created_at": "self", "order_id": "self", "stars": "self", "comment": "self"},
    "SubsidyGrant": {name: "committee" for name in ("id", "created_at", "community_id", "person_id", "tier",
                                                     "evidence", "granted_by_id", "valid_until")},
}
