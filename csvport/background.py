"""Imports too large to apply within a request, applied by a background task.

Django's tasks API (the `django-tasks` backport; `TASKS` in the settings: the database
backend of `django-tasks-db` by default, whose `manage.py db_worker` runs the tasks, and
`make run` starts one) runs `import_upload`: it plans the upload kept between preview and
confirmation (`session_storage`), then applies it in one transaction, or writes nothing,
exactly as the request would have. Its progress goes to the cache every app server shares
(it is written outside the import's transaction, so others see it); its result (what was
written, or the problems) is the task's return value, which the admin's progress page
shows, polling with HTMX until the task is done.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus, task
from django_tasks.exceptions import TaskResultDoesNotExist

from changes.models import ChangeKind
from changes.scope import change_set
from csvport.importer import plan_file
from csvport.plans import CREATED, ImportRefused, Plan
from csvport.problems import Problem
from csvport.reading import ADMIN_MAX_BYTES
from csvport.session_storage import SessionFileStorage, expired_message

# The problems a result keeps (and the page lists); the count is of all of them.
RESULT_PROBLEMS = 1000
PROGRESS_LIFETIME = 24 * 60 * 60


def goes_to_background(data: bytes) -> bool:
    """Whether an upload is too large to apply within a request: more lines than the
    setting `CSV_IMPORT_BACKGROUND_ROWS` (about its rows; counting them costs little)."""
    return data.count(b"\n") > settings.CSV_IMPORT_BACKGROUND_ROWS


def progress_key(result_id: str) -> str:
    return f"csvport:import-progress:{result_id}"


def progress(result_id: str) -> dict:
    """What the task said last: {"stage": "checked", "done": 12000, "total": 29000}."""
    return cache.get(progress_key(result_id)) or {"stage": "waiting", "done": 0, "total": 0}


@task(takes_context=True)
def import_upload(
    context,
    *,
    importer: str,
    upload: str,
    file_name: str,
    user_id: int | None,
    options: dict,
    model: str,
    too_large_hint: str = "",
) -> dict:
    """Plan and apply the upload kept under `upload` with the importer at the dotted path
    `importer`; answers what was written, or the problems (nothing written)."""
    key = progress_key(context.task_result.id)

    def report(stage: str, done: int, total: int) -> None:
        cache.set(key, {"stage": stage, "done": done, "total": total}, PROGRESS_LIFETIME)

    report("reading", 0, 0)
    importer_class = import_string(importer)
    storage = SessionFileStorage(name=upload)
    data = storage.read()
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    if data is None:
        plan = Plan(
            what=importer_class.format.what,
            noun=importer_class.format.noun,
            problems=[Problem(message=expired_message())],
        )
    else:
        plan = plan_file(
            importer_class,
            data,
            max_bytes=ADMIN_MAX_BYTES,
            max_rows=settings.CSV_IMPORT_ADMIN_MAX_ROWS,
            too_large_hint=too_large_hint,
            progress=report,
            options=options,
        )
        del data
    if not plan.refused:
        report("writing", plan.valid_rows, plan.valid_rows)
        try:
            with change_set(user=user, kind=ChangeKind.IMPORT, name=file_name) as scope:
                plan.apply()
                scope.summary = plan.outcome(file_name)
        except ImportRefused as refusal:
            plan.problems = refusal.problems
    storage.remove()
    if plan.applied and user is not None:
        app_label, model_name = model.split(".")
        LogEntry.objects.create(
            user_id=user.pk,
            content_type_id=ContentType.objects.get_by_natural_key(app_label, model_name).pk,
            object_id=None,
            object_repr=f"CSV import of {file_name}"[:200],
            action_flag=ADDITION if plan.counts[CREATED] else CHANGE,
            change_message=plan.outcome(file_name),
        )
    report("done", plan.valid_rows, plan.valid_rows)
    return {
        "file_name": file_name,
        "user_id": user_id,
        "applied": plan.applied,
        "outcome": plan.outcome(file_name) if plan.applied else "",
        "summary": plan.summary(),
        "problems": [str(problem) for problem in plan.problems[:RESULT_PROBLEMS]],
        "problem_count": len(plan.problems),
        "more_problems": plan.more_problems,
    }


def state(result_id: str) -> dict | None:
    """What the progress page shows of the task `result_id`; None if there is none (or
    the backend keeps no results)."""
    try:
        result = import_upload.get_result(result_id)
    except (TaskResultDoesNotExist, NotImplementedError):
        return None
    return describe(result)


def describe(result) -> dict:
    now = progress(result.id)
    successful = result.status == TaskResultStatus.SUCCESSFUL
    answer = {
        "id": result.id,
        "status": result.status,
        "finished": result.is_finished,
        "failed": result.status == TaskResultStatus.FAILED,
        "stage": now["stage"],
        "done": now["done"],
        "total": now["total"],
        "percent": min(100, int(100 * now["done"] / now["total"])) if now["total"] else 0,
        "user_id": result.kwargs.get("user_id"),
        "file_name": result.kwargs.get("file_name", ""),
        "result": result.return_value if successful else None,
    }
    if answer["stage"] in ("writing", "done"):
        answer["percent"] = 100
    return answer
