"""Streaming reader for XES event logs (IEEE 1849), the exchange format of process mining.

Each event becomes one record. Event attributes keep their XES keys (``concept:name``,
``time:timestamp``, ``lifecycle:transition``, ``org:resource``...); trace attributes are
copied onto each of their events with the prefix ``case:``, so ``case:concept:name`` is
the case id, as process-mining tools name it.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd

from workbench.errors import DataFileError, Problem

__all__ = ["read_xes"]

_TYPED = {"string", "date", "int", "float", "boolean", "id"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _convert(kind: str, value: str | None) -> object:
    if value is None:
        return None
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    if kind == "boolean":
        return value.strip().lower() == "true"
    return value


def read_xes(raw: bytes, file: str) -> object:
    """Read an XES document into a ``RawTable`` with one record per event.

    Nested (list or container) attributes are skipped. ``rows`` holds each event's
    1-based position in the log.

    Raises
    ------
    DataFileError
        If the XML is malformed (the problem names the line) or holds no events.
    """
    from workbench.data.readers import RawTable

    records: list[dict[str, object]] = []
    trace_attributes: dict[str, object] = {}
    event: dict[str, object] | None = None
    depth_in_attribute = 0  # nested attribute elements are ignored
    try:
        for action, element in ET.iterparse(io.BytesIO(raw), events=("start", "end")):
            tag = _local(element.tag)
            if action == "start":
                if tag == "trace":
                    trace_attributes = {}
                elif tag == "event":
                    event = {}
                elif tag in _TYPED or tag in {"list", "container"}:
                    depth_in_attribute += 1
                continue

            if tag in _TYPED:
                depth_in_attribute -= 1
                if depth_in_attribute == 0:
                    key = element.get("key")
                    value = _convert(tag, element.get("value"))
                    if event is not None:
                        event[key] = value
                    else:
                        trace_attributes["case:" + key] = value
            elif tag in {"list", "container"}:
                depth_in_attribute -= 1
            elif tag == "event" and event is not None:
                event.update(trace_attributes)
                records.append(event)
                event = None
                element.clear()
            elif tag == "trace":
                element.clear()
    except ET.ParseError as error:
        line = error.position[0] if getattr(error, "position", None) else None
        raise DataFileError(file, [Problem(file, "read.bad_xml", row=line,
                                           params={"detail": str(error)})]) from error
    except ValueError as error:
        raise DataFileError(file, [Problem(file, "read.bad_xml",
                                           params={"detail": str(error)})]) from error
    if not records:
        raise DataFileError(file, [Problem(file, "read.empty")])

    frame = pd.DataFrame.from_records(records)
    rows = np.arange(1, len(frame) + 1)
    return RawTable(file, frame, rows, "utf-8", {})
