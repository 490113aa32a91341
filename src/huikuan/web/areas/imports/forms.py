"""The upload form: file, kind, optional saved column mapping (Chinese messages)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from huikuan.imports.columns.specs import SPECS
from huikuan.imports.mappings import MappingError, available
from huikuan.imports.pipeline import resolve_mapping
from huikuan.imports.tasks import SUFFIXES
from huikuan.web.areas.imports.limits import too_large_message

# Larger files go through the command line (`huikuan import FILE --kind KIND`).
MAX_BYTES = 50 * 1024 * 1024
CLI_HINT = _("；更大的文件请用命令行导入：huikuan import 文件 --kind 类型")


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("文件（CSV 或 Excel）"),
        error_messages={"required": _("请选择要导入的文件"), "empty": _("文件是空的")},
    )
    kind = forms.ChoiceField(label=_("导入类型"), error_messages={"required": _("请选择导入类型")})
    mapping = forms.ChoiceField(label=_("列映射"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("请选择"))] + [(k, s.title) for k, s in SPECS.items()]
        self.fields["mapping"].choices = [("", _("自动识别表头"))] + [(m, m) for m in available()]
        self.fields["file"].widget.attrs["accept"] = ",".join(SUFFIXES)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in SUFFIXES:
            raise forms.ValidationError(_("只支持 CSV（.csv/.txt）或 Excel（.xlsx/.xls）文件"))
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(too_large_message(upload.size, MAX_BYTES, str(CLI_HINT)))
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind, mapping = data.get("kind"), data.get("mapping") or None
        if kind:
            try:
                resolve_mapping(kind, mapping, None)
            except MappingError as exc:
                self.add_error("mapping", str(exc))
        return data
