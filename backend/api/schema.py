"""The GraphQL schema: each domain's queries and mutations merged into one Query and Mutation."""

import strawberry
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from backend.api.accounts import AccountMutations
from backend.api.audit import AuditQueries
from backend.api.case_stats import CaseStatsQueries
from backend.api.case_street import CaseStreetMutations, CaseStreetQueries
from backend.api.cases import CaseMutations, CaseQueries
from backend.api.consult import ConsultMutations, ConsultQueries
from backend.api.deliberation import DeliberationMutations, DeliberationQueries
from backend.api.extensions import expected_error, schema_extensions
from backend.api.identity import IdentityMutations
from backend.api.jobs import StaffJobQueries
from backend.api.market import MarketMutations, MarketQueries
from backend.api.market_chat import MarketChatMutations, MarketChatQueries, MarketChatSubscriptions
from backend.api.market_deals import MarketDealMutations, MarketDealQueries
from backend.api.market_lottery import MarketLotteryMutations
from backend.api.market_saved import MarketSavedMutations, MarketSavedQueries
from backend.api.market_search import MarketSearchQueries
from backend.api.market_stats import MarketStatsQueries
from backend.api.moderation import ModerationMutations, ModerationQueries
from backend.api.notices import NoticeMutations, NoticeQueries, NoticeSubscriptions
from backend.api.notify import NotifyMutations, NotifyQueries, NotifySubscriptions
from backend.api.points import PointsMutations, PointsQueries
from backend.api.proxies import ProxyMutations
from backend.api.registry import RegistryQueries
from backend.api.registry_editing import RegistryEditingMutations, RegistryEditingQueries
from backend.api.residence import ResidenceMutations, ResidenceQueries
from backend.api.services_catalogue import ServiceCatalogueMutations, ServiceCatalogueQueries
from backend.api.services_commission import CommissionRuleMutations, CommissionRuleQueries
from backend.api.services_meals import MealMutations, MealQueries
from backend.api.services_orders import ServiceOrderMutations, ServiceOrderQueries, ServiceOrderSubscriptions
from backend.api.services_policies import ServicePolicyMutations, ServicePolicyQueries
from backend.api.services_providers import ServiceProviderMutations, ServiceProviderQueries
from backend.api.services_reports import ServiceReportMutations, ServiceReportQueries
from backend.api.timebank import TimebankMutations, TimebankQueries
from backend.api.volunteering import VolunteeringMutations, VolunteeringQueries
from backend.api.voting import VotingMutations, VotingQueries, VotingSubscriptions
from backend.api.wallets import WalletMutations, WalletQueries
from backend.api.workbench import WorkbenchQueries
from backend.core.settings import Settings

# Paid services — providers, catalogue, policies, commission rules
SERVICES_CATALOGUE_QUERIES = (ServiceProviderQueries, ServiceCatalogueQueries, ServicePolicyQueries,
                              CommissionRuleQueries)
SERVICES_CATALOGUE_MUTATIONS = (ServiceProviderMutations, ServiceCatalogueMutations, ServicePolicyMutations,
                                CommissionRuleMutations)

Query = merge_types("Query", (RegistryQueries, RegistryEditingQueries, ResidenceQueries, AuditQueries, NoticeQueries,
                              NotifyQueries, WorkbenchQueries, StaffJobQueries, VotingQueries, CaseQueries,
                              CaseStatsQueries, CaseStreetQueries, ConsultQueries, DeliberationQueries,
                              ModerationQueries, TimebankQueries, WalletQueries, PointsQueries,
                              VolunteeringQueries, MarketQueries, MarketSearchQueries,
                              MarketSavedQueries, MarketStatsQueries, MarketDealQueries, MarketChatQueries,
                              ServiceOrderQueries, ServiceReportQueries, MealQueries,
                              *SERVICES_CATALOGUE_QUERIES))
Mutation = merge_types(
    "Mutation",
    (AccountMutations, IdentityMutations, ResidenceMutations, ProxyMutations, RegistryEditingMutations,
     NoticeMutations, NotifyMutations, VotingMutations, CaseMutations, CaseStreetMutations, ConsultMutations,
     DeliberationMutations, ModerationMutations, TimebankMutations, WalletMutations, PointsMutations,
     VolunteeringMutations, MarketMutations,
     MarketSavedMutations, MarketDealMutations, MarketLotteryMutations, MarketChatMutations,
     ServiceOrderMutations, ServiceReportMutations, MealMutations, *SERVICES_CATALOGUE_MUTATIONS),
)
Subscription = merge_types("Subscription", (NotifySubscriptions, NoticeSubscriptions, VotingSubscriptions,
                                           MarketChatSubscriptions, ServiceOrderSubscriptions))


class LinliSchema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:
        # Errors a client caused are answers, not incidents: log only the unexpected ones.
        unexpected = [e for e in errors if not expected_error(e)]
        if unexpected:
            super().process_errors(unexpected, execution_context)


def build_schema(settings: Settings, trusted_ids: frozenset[str] = frozenset(), known_names=frozenset()):
    return LinliSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=schema_extensions(settings, trusted_ids, known_names),
        config=StrawberryConfig(disable_field_suggestions=settings.is_prod),
    )
