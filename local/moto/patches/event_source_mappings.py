"""Fix 21: SQS and DynamoDB stream event source mappings are delivered by the local runtime, not by moto.

moto 5.2.1 runs a mapped function inside the call that produced the record: SendMessage receives the new
messages (hiding them for the visibility timeout) and invokes the function through Docker; a DynamoDB write
invokes it while holding the table's write lock, and empties the stream when the invocation "succeeds". Without
Docker that loses messages and stream records. The mapping is still created and listed (ListEventSourceMappings,
CloudFormation), but not attached to the queue or table: local/runtime/event-sources.ts reads the queue and the
stream and invokes the function as Lambda's pollers do (batches, delays, partial batch failures).
"""

from __future__ import annotations

import functools

from ._util import applied, skipped, source_of


def fix_21_runtime_delivers_event_sources() -> None:
    from moto.awslambda.models import LambdaBackend

    original = LambdaBackend.create_event_source_mapping
    if getattr(original, "__harbormaster_patched__", False):
        return
    source = source_of(original)
    if "queue.lambda_event_source_mappings[esm.function_arn] = esm" not in source or "table.lambda_event_source_mappings[esm.function_arn] = esm" not in source:
        skipped(20, "moto attaches event source mappings differently; the local runtime's delivery may double up")
        return

    @functools.wraps(original)
    def create_event_source_mapping(self, spec):  # type: ignore[no-untyped-def]
        esm = original(self, spec)
        from moto.dynamodb.models import dynamodb_backends
        from moto.sqs.models import sqs_backends

        for queue in sqs_backends[self.account_id][self.region_name].queues.values():
            queue.lambda_event_source_mappings.pop(esm.function_arn, None)
        for table in dynamodb_backends[self.account_id][self.region_name].tables.values():
            table.lambda_event_source_mappings.pop(esm.function_arn, None)
        return esm

    create_event_source_mapping.__harbormaster_patched__ = True  # type: ignore[attr-defined]
    LambdaBackend.create_event_source_mapping = create_event_source_mapping  # type: ignore[method-assign]
    applied(20, "SQS and DynamoDB stream event source mappings are left to the local runtime")
