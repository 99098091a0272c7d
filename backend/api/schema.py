"""The GraphQL schema: each domain's queries and mutations merged into one Query and Mutation."""

import strawberry
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from backend.api.accounts import AccountMutations
from backend.api.extensions import schema_extensions
from backend.api.registry import RegistryQueries
from backend.core.settings import Settings

Query = merge_types("Query", (RegistryQueries,))
Mutation = merge_types("Mutation", (AccountMutations,))


def build_schema(settings: Settings, trusted_ids: frozenset[str] = frozenset(), known_names=frozenset()):
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        extensions=schema_extensions(settings, trusted_ids, known_names),
        config=StrawberryConfig(disable_field_suggestions=settings.is_prod),
    )
