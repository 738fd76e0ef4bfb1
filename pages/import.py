"""Import: put your own trials beside the curated ones for this session, after validation."""

import hashlib

import streamlit as st

from core import queries, store
from core.importer import (
    MAX_BYTES,
    MAX_FILES,
    MAX_ROWS,
    NAME_CHARS,
    REQUIRED_COLUMNS,
    curated_context,
    read_uploads,
)
from core.presentation.export import header
from core.presentation.problems import LABEL_KEYS, problems_frame
from core.problems import clip
from core.text import markdown_escape as md
from pages import common, data
from pages.common import tr

USER_VERSION_LINKS = 5
"""Links to the user's versions of curated trials, at most (the Trials page lists them all)."""
PROBLEMS_PER_PAGE = 50
"""The problems table shows this many rows at a time (a file keeps at most 100, plus a summary)."""

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
    st.session_state.pop("import__problems_page", None)


uploads = st.file_uploader(
    tr("import.upload"),
    type=["csv", "toml"],
    accept_multiple_files=True,
    key="import__files",
    help=tr("import.upload_help")
    + " "
    + tr("import.upload_limits", max_mb=MAX_BYTES // 2**20, max_files=MAX_FILES),
    max_upload_size=MAX_BYTES // 2**20,  # MB, as server.maxUploadSize in .streamlit/config.toml
)

if uploads:
    # files past the limit are named in a problem, never read
    files = [
        (upload.name, upload.getvalue() if index < MAX_FILES else b"") for index, upload in enumerate(uploads)
    ]
    digest = hashlib.sha256(
        b"".join(name.encode() + b"\0" + content + b"\0" for name, content in files)
    ).hexdigest()[:20]
    previous = st.session_state.get(RESULT_KEY)
    # the same files are still in the uploader after the store dropped them: read them again
    if previous is None or previous["digest"] != digest or common.upload_expired():
        st.session_state.pop("import__problems_page", None)  # a new list starts at its first page
        registry, texts = curated_registry(common.data_dir())
        result = read_uploads(files, registry, texts, curated_ids(common.compiled()))
        common.forget_upload()
        if result.evidence.trials:
            common.register_upload(digest, result.evidence, sum(len(content) for _, content in files))
        st.session_state[RESULT_KEY] = {
            "digest": digest,
            "names": [clip(name, NAME_CHARS) for name, _ in files],
            "rows": result.rows,
            "problems": result.problems,
            "problem_total": result.problem_total,
            "unchecked": result.unchecked,
            "trials": tuple(trial.id for trial in result.evidence.trials),
            "values": len(result.evidence.values),
            "user_versions": dict(result.user_versions),
        }


def show_problems(problems: list, total: int) -> None:
    """The problems, a page of :data:`PROBLEMS_PER_PAGE` at a time, in the reader's language."""
    st.error(tr("import.problems_text", n=f"{total:,}"), icon=":material/error:")
    pages = max(1, -(-len(problems) // PROBLEMS_PER_PAGE))
    number = 1
    if pages > 1:
        picker, _ = st.columns([1, 3])  # a narrow field; the columns stack on a phone
        number = picker.number_input(
            tr("import.problems_page", pages=pages), 1, pages, 1, key="import__problems_page"
        )
    first = (number - 1) * PROBLEMS_PER_PAGE
    shown = problems[first : first + PROBLEMS_PER_PAGE]
    st.caption(
        tr(
            "import.problems_range",
            first=first + 1,
            last=first + len(shown),
            listed=len(problems),
            total=f"{total:,}",
        )
    )
    frame = problems_frame(shown, lang)
    labels = {key: tr(label) for key, label in LABEL_KEYS.items()}
    st.dataframe(
        frame[list(labels)].rename(columns=labels), hide_index=True, width="stretch", key="import__problems"
    )


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
    columns[3].metric(tr("import.problems"), f"{imported['problem_total']:,}")
    if imported["problems"]:
        show_problems(imported["problems"], imported["problem_total"])
    if imported.get("user_versions"):
        pairs = tr("export.list_separator").join(
            tr("export.user_version_pair", curated=f"`{curated}`", own=f"`{own}`")
            for curated, own in imported["user_versions"].items()
        )
        st.info(
            tr("export.user_versions", n=len(imported["user_versions"]), pairs=pairs),
            icon=":material/call_split:",
        )
        if database.upload is not None:  # links within this session: the import lives in it
            for own in list(imported["user_versions"].values())[:USER_VERSION_LINKS]:
                st.page_link(
                    "pages/trial.py",
                    label=tr("export.open_user_version", id=own),
                    icon=":material/call_split:",
                    query_params={"trial": own, **common.shell_params()},
                )
    if imported.get("unchecked"):
        st.warning(tr("import.unchecked", n=imported["unchecked"]), icon=":material/warning:")
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
            common.values_download(
                data.export_frame(database=database, trial_ids=tuple(ids)),
                "imported-values.csv",
                tr("import.download"),
                key="import__csv",
            )
    st.button(tr("import.remove"), on_click=forget_import, icon=":material/delete:", key="import__remove")

st.subheader(tr("import.format"))
required = [
    f"`{c}`"
    if header(c, lang) == c
    else tr("export.column_pair", header=f"`{header(c, lang)}`", column=f"`{c}`")
    for c in REQUIRED_COLUMNS
]
st.markdown(tr("import.format_text", columns=tr("export.list_separator").join(required)))
st.caption(tr("export.headers_note"))
common.values_download(
    data.export_frame(database=common.curated_database(), trial_ids=("lead",)),
    "template-lead.csv",
    tr("import.template"),
    key="import__template",
)
