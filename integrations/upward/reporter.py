"""One reporting run: send every due batch, oldest first, until none is due or the platform fails."""

from __future__ import annotations

import datetime as _dt

from . import batch as batch_doc
from .sender import SendFailed, post


def report(engine, max_batches: int = 100) -> dict:
    """Send due batches; a failure is recorded on the batch (retried after its backoff) and ends the run, so a
    platform that is down is not hammered. Returns what was done and, after a failure, when to try again."""
    done = {"batches": 0, "records": 0, "failed": 0, "error": None, "retry_in": None}
    if not engine.outbox.enabled:
        return done
    for _ in range(max_batches):
        batch = engine.outbox.next_batch()
        if batch is None:
            break
        sent_at = engine.clock.now().astimezone(_dt.UTC).isoformat().replace("+00:00", "Z")
        body = batch_doc.encode(batch_doc.document(batch, engine.settings, sent_at))
        try:
            post(engine.settings, batch.batch_id, body)
        except SendFailed as exc:
            outcome = engine.outbox.mark_failed(batch.batch_id, str(exc))
            done["error"] = str(exc)
            if outcome["failed"]:
                done["failed"] += len(batch.records)
            else:
                done["retry_in"] = max(0.0, (outcome["next_attempt_at"] - engine.clock.now()).total_seconds())
            break
        engine.outbox.mark_sent(batch.batch_id)
        done["batches"] += 1
        done["records"] += len(batch.records)
    return done
