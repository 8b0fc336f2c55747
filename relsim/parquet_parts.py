"""One Parquet file written in parts as they arrive (a replication's journeys at a time).

The file is the one `pandas.concat(parts).to_parquet(path, index=False)` would write, byte for
byte, but the parts are never all in memory: rows are converted to Arrow and written a row group
at a time, with pyarrow's row-group size, so at most one part and one row group are held (and
between parts, a copy of the rows waiting for their group, not the part they came from).
Every part must have the same columns and types (categorical columns the same categories), as a
concatenation that keeps its types needs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

#: pyarrow's default maximum rows per row group (`pyarrow.parquet.write_table`)
ROW_GROUP_ROWS = 1024 * 1024
#: what `DataFrame.to_parquet` passes to pyarrow by default
COMPRESSION = "snappy"


class ParquetParts:
    """Appends data frames to one Parquet file; `close()` finishes it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows = 0
        self._writer: pq.ParquetWriter | None = None
        self._schema: pa.Schema | None = None
        self._pending: list[pa.Table] = []
        self._pending_rows = 0

    def append(self, frame: pd.DataFrame) -> None:
        """Add `frame`'s rows after those already appended."""
        import pyarrow as pa

        for start in range(0, max(len(frame), 1), ROW_GROUP_ROWS):
            piece = pa.Table.from_pandas(
                frame.iloc[start : start + ROW_GROUP_ROWS], preserve_index=False
            )
            self._check_schema(piece)
            if piece.num_rows:
                self._pending.append(piece)
                self._pending_rows += piece.num_rows
                self.rows += piece.num_rows
            while self._pending_rows >= ROW_GROUP_ROWS:
                self._flush(ROW_GROUP_ROWS)
        self._own_pending()
        # Arrow's allocator keeps freed memory for reuse; give it back, or the next part's
        # computation (a replication) runs beside it.
        pa.default_memory_pool().release_unused()

    def close(self) -> None:
        """Write what is left (an empty table if every part was empty)."""

        if self._schema is None:
            raise ValueError(f"{self.path.name}: nothing appended, so no columns to write")
        if self._writer is None:
            self._open()
        assert self._writer is not None
        if self._pending_rows:
            self._flush(self._pending_rows)
        elif self.rows == 0:  # as pandas writes an empty frame
            self._writer.write_table(self._schema.empty_table())
        self._writer.close()
        self._writer = None

    def _check_schema(self, piece: pa.Table) -> None:
        if self._schema is None:
            self._schema = piece.schema
        elif not piece.schema.equals(self._schema, check_metadata=True):
            raise ValueError(
                f"{self.path.name}: a part's columns or types differ from the first part's"
            )

    def _open(self) -> None:
        import pyarrow.parquet as pq

        self._writer = pq.ParquetWriter(self.path, self._schema, compression=COMPRESSION)

    def _own_pending(self) -> None:
        """Copy the rows still waiting for a row group. Arrow takes a frame's numeric columns
        without copying them, so the waiting rows would keep the whole of the part they came
        from in memory (every row of those columns) until the next part fills their group."""
        if not self._pending:
            return
        import numpy as np
        import pyarrow as pa

        pending = pa.concat_tables(self._pending)
        self._pending = [pending.take(np.arange(pending.num_rows))]

    def _flush(self, rows: int) -> None:
        """Write the first `rows` pending rows as one row group, contiguous in memory (so that
        its pages are cut where a single table's would be)."""
        import pyarrow as pa

        if self._writer is None:
            self._open()
        assert self._writer is not None
        pending = pa.concat_tables(self._pending)
        group = pending.slice(0, rows).combine_chunks()
        self._writer.write_table(group, row_group_size=ROW_GROUP_ROWS)
        rest = pending.slice(rows)
        self._pending = [rest] if rest.num_rows else []
        self._pending_rows = rest.num_rows
