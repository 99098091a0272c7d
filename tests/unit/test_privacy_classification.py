from backend.accounts.models import AuthSession, FirebaseAccount, WechatAccount
from backend.cases.models import Case, CaseConfirmation, CaseEntry, CaseFollower, StreetSupervisor
from backend.consult.models import Question
from backend.deliberation.models import Topic, TopicComment, TopicSupport
from backend.market.models import (
    Conversation,
    Favourite,
    Listing,
    LotteryEntry,
    Message,
    Rating,
    Reservation,
    SavedSearch,
)
from backend.moderation.models import ModeratedItem, ModerationAppeal, ModerationLogEntry, ModerationReport
from backend.people.models import Consent, Person
from backend.privacy.classification import CLASSIFICATION
from backend.privacy.models import AccessLog
from backend.registry.models import PersonRoom
from backend.services.models import Order, OrderDispute, OrderRating, Provider, ProviderMember, SubsidyGrant
from backend.voting.models import (
    BallotContent,
    BallotParticipation,
    ElectorateEntry,
    ElectorateVoter,
    VoteAuthorisation,
)

LEVELS = {"public", "community", "grid", "committee", "self", "secret"}


def test_every_personal_field_is_classified():
    for model in (Person, PersonRoom, WechatAccount, FirebaseAccount, AuthSession, AccessLog, Consent,
                  ElectorateEntry, ElectorateVoter, VoteAuthorisation, BallotParticipation, BallotContent,
                  Case, CaseEntry, CaseConfirmation, CaseFollower, StreetSupervisor, Question, Topic, TopicComment,
                  TopicSupport, ModeratedItem, ModerationReport, ModerationAppeal, ModerationLogEntry,
                  Listing, Reservation, LotteryEntry, Conversation, Message, Rating, Favourite, SavedSearch,
                  Provider, ProviderMember, Order, OrderDispute, OrderRating, SubsidyGrant):
        declared = CLASSIFICATION[model.__name__]
        meta = model._meta
        columns = set(meta.db_fields) | {f"{name}_id" for name in meta.fk_fields | meta.o2o_fields}
        assert columns == set(declared), f"{model.__name__}: classify {columns ^ set(declared)}"
        assert set(declared.values()) <= LEVELS
