from tortoise import migrations
from tortoise.migrations import operations as ops
from backend.consult.models import QuestionState
from backend.core.ids import uuid7
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


async def create_similar_index(apps, schema_editor) -> None:
    """The similar-question index of backend/consult/grams.py, one kind per database: our own
    character bigrams on PostgreSQL, FTS5's trigram tokenizer on SQLite. One statement per call:
    SQLite's script runner would split on semicolons."""
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        await client.execute_script(
            "CREATE TABLE consult_gram (question_id UUID NOT NULL REFERENCES consult_question (id) ON DELETE CASCADE,"
            " community_id UUID NOT NULL, gram VARCHAR(2) NOT NULL, PRIMARY KEY (community_id, gram, question_id))")
        await client.execute_script("CREATE INDEX consult_gram_question ON consult_gram (question_id)")
    else:
        await client.execute_script(
            "CREATE VIRTUAL TABLE consult_fts USING fts5(question_id UNINDEXED, community_id UNINDEXED, body,"
            " tokenize = 'trigram')")


async def drop_similar_index(apps, schema_editor) -> None:
    client = schema_editor.client
    table = "consult_gram" if client.capabilities.dialect == "postgres" else "consult_fts"
    await client.execute_script(f"DROP TABLE IF EXISTS {table}")


class Migration(migrations.Migration):
    dependencies = [('linli', '0016_case_street_supervise')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Question',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='questions', on_delete=OnDelete.RESTRICT)),
                ('asker', fields.ForeignKeyField('linli.Person', source_field='asker_id', db_constraint=True, to_field='id', related_name='questions', on_delete=OnDelete.RESTRICT)),
                ('asked_by', fields.ForeignKeyField('linli.Person', source_field='asked_by_id', db_constraint=True, to_field='id', related_name='questions_asked', on_delete=OnDelete.RESTRICT)),
                ('text', fields.CharField(max_length=200)),
                ('state', fields.CharEnumField(default=QuestionState.OPEN, description='OPEN: OPEN\nANSWERED: ANSWERED', enum_type=QuestionState, max_length=16)),
                ('answer', fields.CharField(null=True, max_length=2000)),
                ('answered_by', fields.ForeignKeyField('linli.Person', source_field='answered_by_id', null=True, db_constraint=True, to_field='id', related_name='questions_answered', on_delete=OnDelete.SET_NULL)),
                ('answered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'consult_question', 'app': 'linli', 'indexes': [Index(fields=['community_id', 'state']), Index(fields=['community_id', 'published_at']), Index(fields=['asker_id', 'id'])], 'pk_attr': 'id', 'table_description': "A resident's question. Once answered it may be published to the community's FAQ, where"},
            bases=['Entity'],
        ),
        ops.RunPython(create_similar_index, drop_similar_index),
    ]
