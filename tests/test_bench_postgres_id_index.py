"""The bench's `postgresql-id-index` backend: every table FerretDB creates in the cluster gets
a GIN index on `_jsonb->'_id'`, the expression FerretDB's lookups by `_id` ask with `@>`;
tables of any other shape are left alone."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench import postgres
from bench.processes import Children

SQL = """
CREATE TABLE deliveries_0a1b2c3d (_jsonb jsonb);
CREATE TABLE other (x integer);
SELECT tablename || ' ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
ORDER BY tablename;
"""


@pytest.fixture
def children() -> Iterator[Children]:
    # The cluster's user must reach the folder, which pytest's own temporary folders deny.
    folder = Path(tempfile.mkdtemp(prefix="callbackd-test-postgres-"))
    try:
        with Children(folder) as running:
            yield running
    finally:
        shutil.rmtree(folder, ignore_errors=True)


async def test_every_table_with_documents_gets_an_index_of_id(children: Children) -> None:
    bindir = postgres.find_bindir()
    if bindir is None:
        pytest.skip(f"PostgreSQL is not installed here: {postgres.HOW_TO_GET_ONE}")
    _, url = await postgres.start(children, index_ids=True)
    socket_dir, port = url.split("host=")[1].split("&port=")

    listed = subprocess.run(
        [
            *(str(bindir / "psql"), "-h", socket_dir, "-p", port, "-U", postgres.USER),
            *("-v", "ON_ERROR_STOP=1", "-qAt", "-c", SQL, postgres.DATABASE),
        ],
        capture_output=True,
        text=True,
        check=True,
    )

    assert listed.stdout.splitlines() == [
        "deliveries_0a1b2c3d CREATE INDEX deliveries_0a1b2c3d_expr_idx "
        "ON public.deliveries_0a1b2c3d USING gin (((_jsonb -> '_id'::text)) jsonb_path_ops)"
    ]
