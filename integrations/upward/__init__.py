"""Upward reporting (向上级监察平台报送): batches of outbox records POSTed to the provincial supervision platform.

engine/exchange/outbox.py writes the records in the transaction of each change and hands out batches; this package builds
the batch document (docs/upward-report.schema.json), signs and sends it, and settles the batch. The Celery task
(`tasks.register`) and `shenpi report-upward` run `report(engine)`.
"""

from .reporter import report  # noqa: F401
