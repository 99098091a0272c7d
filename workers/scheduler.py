"""The scheduler process: `make scheduler` (taskiq scheduler workers.scheduler:scheduler).

Run exactly one. It only enqueues the periodic jobs declared with `schedule=[...]` on their tasks
(e.g. accounts.purge_expired_refresh_tokens); the workers run them.
"""

from taskiq import TaskiqScheduler
from taskiq.schedule_sources import LabelScheduleSource

from backend.core.jobs import broker, load_tasks

load_tasks()
scheduler = TaskiqScheduler(broker=broker, sources=[LabelScheduleSource(broker)])
