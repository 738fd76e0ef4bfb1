"""Import: put your own trials beside the curated ones for this session, after validation."""

import hashlib

import pandas as pd
import streamlit as st

from core import queries, store
from core.importer import MAX_BYTES, MAX_ROWS, REQUIRED_COLUMNS, curated_context, read_uploads, reason_text
from core.text import markdown_escape as md
from pages import common, data
from pages.common import tr

common.ensure_shell()
lang = common.lang()


# Process-wide (core.store), not st.cache_resource: clear_cache must not throw them away.
def curated_registry(data_dir: str):
    """The curated source registry and, when on this machine, the source texts."""
    return store.once(("curated_context", data_dir), lambda: curated_context(data_dir))


def curated_ids(compiled: str) -> frozenset[str]:
    return store.once(
        ("curated_ids", compiled),
        lambda: frozenset(queries.all_trial_ids(store.curated_connection(compiled))),
    )


st.title(tr("import.title"))
st.markdown(tr("import.intro", max_mb=MAX_BYTES // (1024 * 1024), max_rows=f"{MAX_ROWS:,}"))

RESULT_KEY = "import__result"


def forget_import() -> None:
    common.forget_upload()
    st.session_state.pop(RESULT_KEY, None)


uploads = st.file_uploader(
    tr("import.upload"),
    type=["csv", "toml"],
    accept_multiple_files=True,
    key="import__files",
    help=tr("import.upload_help"),
    max_upload_size=20,  # MB: larger files still reach read_upload's own, clearer limit
)

if uploads:
    files = [(upload.name, upload.getvalue()) for upload in uploads]
    digest = hashlib.sha256(
        b"".join(name.encode() + b"\0" + content + b"\0" for name, content in files)
    ).hexdigest()[:20]
    previous = st.session_state.get(RESULT_KEY)
    # the same files are still in the uploader after the store dropped them: read them again
    if previous is None or previous["digest"] != digest or common.upload_expired():
        registry, texts = curated_registry(common.data_dir())
        result = read_uploads(files, registry, texts, curated_ids(common.compiled()))
        common.forget_upload()
        if result.evidence.trials:
            common.register_upload(digest, result.evidence, sum(len(content) for _, content in files))
        st.session_state[RESULT_KEY] = {
            "digest": digest,
            "names": [name for name, _ in files],
            "rows": result.rows,
            "problems": result.problems,
            "trials": tuple(trial.id for trial in result.evidence.trials),
            "values": len(result.evidence.values),
            "snippets_checked": texts is not None,
        }

database = common.database()  # after the upload above, so this run sees it

imported = st.session_state.get(RESULT_KEY)
if imported is None:
    st.info(tr("import.none"), icon=":material/upload_file:")
else:
    st.caption(tr("import.files", names=md(", ".join(imported["names"]))))
    columns = st.columns(4)
    columns[0].metric(tr("import.rows_read"), f"{imported['rows']:,}")
    columns[1].metric(tr("import.trials_valid"), len(imported["trials"]))
    columns[2].metric(tr("import.values_valid"), imported["values"])
    columns[3].metric(tr("import.problems"), len(imported["problems"]))
    problems = imported["problems"]
    if problems:
        st.error(tr("import.problems_text", n=len(problems)), icon=":material/error:")
        st.dataframe(
            pd.DataFrame(
                {
                    tr("import.col_file"): [p.file for p in problems],
                    tr("import.col_record"): [p.record for p in problems],
                    tr("import.col_field"): [p.field for p in problems],
                    tr("import.col_reason"): [reason_text(p, lang) for p in problems],
                }
            ),
            hide_index=True,
            width="stretch",
            key="import__problems",
        )
    if imported["trials"] and not imported.get("snippets_checked", True):
        st.warning(tr("import.snippets_unchecked"), icon=":material/find_in_page:")
    if imported["trials"] and database.upload is not None:
        st.success(
            tr("import.kept", trials=len(imported["trials"]), values=imported["values"]),
            icon=":material/check:",
        )
        ids = imported["trials"]
        actions = st.columns(3)
        actions[0].page_link(
            "pages/trials.py",
            label=tr("import.explore"),
            icon=":material/table_rows:",
            query_params={"origin": "user", **common.shell_params()},
        )
        with actions[1]:
            common.csv_download(
                data.export_frame(database=database, trial_ids=tuple(ids)),
                "imported-values.csv",
                tr("import.download"),
                key="import__csv",
            )
    st.button(tr("import.remove"), on_click=forget_import, icon=":material/delete:", key="import__remove")

st.subheader(tr("import.format"))
st.markdown(tr("import.format_text", columns=", ".join(f"`{c}`" for c in REQUIRED_COLUMNS)))
common.csv_download(
    data.export_frame(database=common.curated_database(), trial_ids=("lead",)),
    "template-lead.csv",
    tr("import.template"),
    key="import__template",
)
