"""CSV import in the admin: django-import-export's screens (upload → preview → confirm),
with the format's importer doing the reading, checking and writing.

The library's row model (one model row per file row, foreign keys by one field) cannot
say "create the round when the row gives its date" or "error in column `party`", so its
`Resource` is used as a thin adapter: `import_data` hands the raw bytes to a
`csvport.importer.Importer` and returns its plan as the library's `Result`. What the
library still does: the upload form, keeping the file between preview and confirm, the
confirm form, permissions, the admin log and the Import button on the change list.
"""

from operator import itemgetter

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportMixin
from import_export.fields import Field
from import_export.formats.base_formats import Format
from import_export.forms import ImportForm
from import_export.resources import Resource
from import_export.results import Result, RowResult

from changes.models import ChangeKind
from changes.scope import change_set
from csvport import background
from csvport.formats import Column
from csvport.importer import plan_file
from csvport.plans import CREATED, UNCHANGED, UPDATED, ImportRefused, Plan
from csvport.problems import Problem
from csvport.reading import ADMIN_MAX_BYTES, MB, size_problem
from csvport.session_storage import SessionFileStorage, expired_message
from csvport.writing import csv_lines, csv_response

TOO_LARGE_HINT = (
    "split it into smaller files, or have an operator load it with "
    "“manage.py import_csv”, which takes larger ones."
)
# The preview lists this many errors and changed rows; the command lists them all.
SHOWN = 1000


class UploadedFile:
    """The file's bytes as they came; the importer reads them, not tablib."""

    def __init__(self, data: bytes | None):
        self.data = data

    def __bool__(self):
        # The library refuses a falsy dataset with its own message; an empty file gets
        # the importer's ("the file is empty").
        return True


class CsvUpload(Format):
    def __init__(self, encoding=None):
        pass

    def get_title(self):
        return "csv"

    def get_extension(self):
        return "csv"

    def can_import(self):
        return True

    def create_dataset(self, in_stream):
        return UploadedFile(in_stream)


class PlanResult(Result):
    """An import plan in the shape the library's views and template expect."""

    def __init__(self, plan: Plan, file_name: str):
        super().__init__()
        self.plan = plan
        self.file_name = file_name or "the file"
        counts = plan.counts
        self.totals[RowResult.IMPORT_TYPE_NEW] = counts[CREATED]
        self.totals[RowResult.IMPORT_TYPE_UPDATE] = counts[UPDATED]
        self.totals[RowResult.IMPORT_TYPE_SKIP] = counts[UNCHANGED]
        self.total_rows = plan.valid_rows

    def has_errors(self):
        return self.plan.refused

    def has_validation_errors(self):
        return False

    def problems_shown(self):
        return self.plan.problems[:SHOWN]

    def problems_hidden(self):
        return max(0, len(self.plan.problems) - SHOWN)

    def changes_shown(self):
        return self.plan.changes[:SHOWN]

    def changes_hidden(self):
        return max(0, self.plan.change_count - len(self.changes_shown()))


class ImporterResource(Resource):
    """Adapts an `Importer` to the library: subclassed per importer by `resource_for`."""

    importer = None

    @classmethod
    def get_display_name(cls):
        return cls.importer.format.what

    def get_user_visible_fields(self):
        return [Field(column_name=column) for column in self.importer.format.names]

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        if dataset.data is None:
            plan = Plan(
                what=self.importer.format.what,
                noun=self.importer.format.noun,
                problems=[Problem(message=expired_message())],
            )
        else:
            plan = plan_file(
                self.importer,
                dataset.data,
                max_bytes=ADMIN_MAX_BYTES,
                max_rows=settings.CSV_IMPORT_ADMIN_MAX_ROWS,
                too_large_hint=TOO_LARGE_HINT,
                options=kwargs.get("options"),
            )
        file_name = kwargs.get("file_name", "") or "the file"
        in_background = dataset.data is not None and background.goes_to_background(dataset.data)
        if not dry_run and not plan.refused:
            try:
                with change_set(
                    user=kwargs.get("user"), kind=ChangeKind.IMPORT, name=file_name
                ) as scope:
                    plan.apply()
                    scope.summary = plan.outcome(file_name)
            except ImportRefused as refusal:
                plan.problems = refusal.problems
        result = PlanResult(plan, file_name)
        result.in_background = in_background
        return result


_resources: dict = {}


def resource_for(importer) -> type[ImporterResource]:
    if importer not in _resources:
        _resources[importer] = type(
            f"{importer.__name__}Resource", (ImporterResource,), {"importer": importer}
        )
    return _resources[importer]


class CsvImportForm(ImportForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["import_file"].help_text = (
            f"A CSV file, UTF-8 with or without a byte-order mark; at most "
            f"{ADMIN_MAX_BYTES // MB} MB."
        )
        self.fields["import_file"].widget.attrs["accept"] = ".csv,text/csv"
        # An empty file gets the importer's answer, like every other bad file.
        self.fields["import_file"].allow_empty_file = True
        # CSV is the only format: nothing to choose.
        self.fields["format"].widget = forms.HiddenInput()
        self.fields["format"].initial = "0"

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        # Checked before the file is read or stored: a huge upload costs nothing more.
        problem = size_problem(upload.size, ADMIN_MAX_BYTES, TOO_LARGE_HINT)
        if problem:
            raise ValidationError(str(problem))
        return upload


class CsvImportAdmin(ImportMixin):
    """Mix into a ModelAdmin with `csv_importer` set to an `Importer` class."""

    csv_importer = None
    # Beyond adding and changing the model: what else the import creates or changes.
    csv_import_extra_permissions: tuple[str, ...] = ()
    import_template_name = "admin/csv_import/import.html"
    import_form_class = CsvImportForm
    tmp_storage_class = SessionFileStorage
    # One summary entry per import instead of one per row (see generate_log_entries).
    skip_admin_log = True

    def get_import_formats(self):
        return [CsvUpload]

    def get_import_data_kwargs(self, **kwargs):
        """The editor's choices on the preview (the names of new issues), for the importer."""
        kwargs = super().get_import_data_kwargs(**kwargs)
        request = kwargs.get("request")
        if request is not None and request.method == "POST" and "confirm" in request.POST:
            kwargs["options"] = {
                "issue_names": {
                    key: value
                    for key, value in request.POST.items()
                    if key.startswith("issue_name:")
                }
            }
        return kwargs

    def get_import_resource_classes(self, request):
        return [resource_for(self.csv_importer)]

    def has_import_permission(self, request):
        opts = self.model._meta
        wanted = [f"{opts.app_label}.{action}_{opts.model_name}" for action in ("add", "change")]
        return request.user.has_perms([*wanted, *self.csv_import_extra_permissions])

    def get_urls(self):
        prefix = f"{self.model._meta.app_label}_{self.model._meta.model_name}"
        return [
            path(
                "import/progress/<str:result_id>/",
                self.admin_site.admin_view(self.import_progress),
                name=f"{prefix}_import_progress",
            ),
            path(
                "import/template.csv",
                self.admin_site.admin_view(self.template_csv),
                name=f"{prefix}_import_template",
            ),
            path(
                "import/current.csv",
                self.admin_site.admin_view(self.current_csv),
                name=f"{prefix}_import_current",
            ),
            *super().get_urls(),
        ]

    def template_csv(self, request):
        """The format's header and its example row: a file to fill in."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        csv_format = self.csv_importer.format
        columns = [Column(c.name, value=itemgetter(c.name)) for c in csv_format.columns]
        return csv_response(f"{csv_format.name}-template.csv", columns, [csv_format.examples()])

    def current_csv(self, request):
        """Every row of the model in the format, as an import reads it back."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        csv_format = self.csv_importer.format
        rows = csv_format.current_rows(csv_format.model._default_manager.all())
        return csv_response(f"{csv_format.name}.csv", csv_format.export_columns(), rows)

    def get_import_context_data(self, **kwargs):
        csv_format = self.csv_importer.format
        prefix = (
            f"{self.admin_site.name}:{self.model._meta.app_label}_{self.model._meta.model_name}"
        )
        by_name = [Column(c.name, value=itemgetter(c.name)) for c in csv_format.columns]
        header, example = list(csv_lines(by_name, [csv_format.examples()]))
        return {
            **super().get_import_context_data(**kwargs),
            "csv_import": {
                "noun": csv_format.noun,
                "what": csv_format.what,
                "limit_mb": ADMIN_MAX_BYTES // MB,
                "columns": csv_format.columns,
                "example": (header + example).strip(),
                "template_url": reverse(f"{prefix}_import_template"),
                "current_url": reverse(f"{prefix}_import_current"),
            },
        }

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        # A refused file is never confirmed: do not keep it.
        context = getattr(response, "context_data", None) or {}
        form = context.get("form")
        if request.method == "POST" and "confirm_form" not in context and form is not None:
            upload = getattr(form, "cleaned_data", {}).get("import_file")
            name = getattr(upload, "tmp_storage_name", None)
            if name:
                self.get_tmp_storage_class()(name=name).remove()
        return response

    def process_import(self, request, **kwargs):
        """The confirmation: a file too large to apply within the request goes to a
        background task (`csvport.background`), and the editor to its progress page."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        confirm_form = self.create_confirm_form(request)
        if not confirm_form.is_valid():
            return super().process_import(request, **kwargs)
        upload = confirm_form.cleaned_data["import_file_name"]
        data = self.get_tmp_storage_class()(name=upload).read()
        if data is None or not background.goes_to_background(data):
            return super().process_import(request, **kwargs)
        options = self.get_import_data_kwargs(request=request, form=confirm_form).get("options")
        opts = self.model._meta
        queued = background.import_upload.enqueue(
            importer=f"{self.csv_importer.__module__}.{self.csv_importer.__qualname__}",
            upload=upload,
            file_name=confirm_form.cleaned_data.get("original_file_name") or "the file",
            user_id=request.user.pk,
            options=options or {},
            model=f"{opts.app_label}.{opts.model_name}",
            too_large_hint=TOO_LARGE_HINT,
        )
        if queued.is_finished:
            # A backend that runs tasks at once (ImmediateBackend): the result is here.
            return self.progress_response(request, background.describe(queued))
        prefix = f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}"
        return HttpResponseRedirect(reverse(f"{prefix}_import_progress", args=[queued.id]))

    def import_progress(self, request, result_id):
        """A background import's progress bar (HTMX polls it), then its result."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        found = background.state(result_id)
        if found is None or (found["user_id"] != request.user.pk and not request.user.is_superuser):
            raise Http404("No such import.")
        return self.progress_response(request, found)

    def progress_response(self, request, found: dict):
        opts = self.model._meta
        prefix = f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}"
        context = {
            **self.admin_site.each_context(request),
            "title": f"Importing {found['file_name']}",
            "opts": opts,
            "job": found,
            "what": self.csv_importer.format.what,
            "progress_url": reverse(f"{prefix}_import_progress", args=[found["id"]]),
            "import_url": reverse(f"{prefix}_import"),
            "changelist_url": reverse(f"{prefix}_changelist"),
        }
        request.current_app = self.admin_site.name
        template = "admin/csv_import/progress.html"
        if request.htmx:
            template += "#import-progress"
        return TemplateResponse(request, template, context)

    def process_result(self, result, request):
        if result.has_errors():
            # The database changed between the preview and the confirmation.
            return self.refused_response(request, result)
        self.log_import(result, request)
        return super().process_result(result, request)

    def refused_response(self, request, result):
        csv_format = self.csv_importer.format
        form = self.get_import_form_class(request)(
            self.get_import_formats(), self.get_import_resource_classes(request)
        )
        context = {
            **self.admin_site.each_context(request),
            **self.get_import_context_data(),
            "title": _("Import"),
            "form": form,
            "opts": self.model._meta,
            "media": self.media + form.media,
            "result": result,
            "fields_list": [(csv_format.what, list(csv_format.names))],
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    def log_import(self, result, request):
        plan = result.plan
        counts = plan.counts
        LogEntry.objects.create(
            user_id=request.user.pk,
            content_type_id=ContentType.objects.get_for_model(self.model).pk,
            object_id=None,
            object_repr=f"CSV import of {result.file_name}"[:200],
            action_flag=ADDITION if counts[CREATED] else CHANGE,
            change_message=self.outcome_message(result),
        )

    @staticmethod
    def outcome_message(result) -> str:
        return result.plan.outcome(result.file_name)

    def add_success_message(self, result, request):
        messages.success(request, self.outcome_message(result))
