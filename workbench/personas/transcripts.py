"""Readers for call transcripts: CSV, TXT (``speaker: text`` lines), JSON, WebVTT and SRT.

Each reader returns the canonical ``dialogs`` table (dialog_id, seq, turn, speaker, text,
t_start, t_end; times in seconds, missing when the file has none). A consecutive run of
rows by the same speaker is one turn. A file that cannot be read raises
:class:`~workbench.errors.DataFileError` whose problems name the file, the line and the
fix; nothing is half-read.

Accepted layouts
----------------
CSV
    A header with a speaker column (``speaker``, ``role``, ``name``, ``说话人``, ``发言人``,
    ``角色``) and a text column (``text``, ``utterance``, ``content``, ``内容``, ``文本``);
    optional ``start``/``end`` (seconds) and ``dialog_id``.
TXT
    One turn per line, ``speaker: text`` (a full-width colon ``：`` works too), optionally
    led by a ``[mm:ss]`` or ``[hh:mm:ss]`` time. Blank lines are skipped.
JSON
    A list of objects with the CSV column names, or an object holding such a list under
    ``turns``, ``utterances`` or ``dialog``.
WebVTT, SRT
    Cues with ``-->`` timing lines; the speaker comes from a ``<v Name>`` voice tag or a
    leading ``Name:``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pandas as pd

from workbench.data.readers import decode_text
from workbench.errors import DataFileError, Problem

__all__ = ["MAX_TRANSCRIPT_BYTES", "TRANSCRIPT_SUFFIXES", "read_transcript"]

# A one-hour call transcribed as text is about 60 kB; 5 MB leaves room for long
# multi-call files while keeping an upload from exhausting a dashboard kernel.
MAX_TRANSCRIPT_BYTES = 5 * 1024 * 1024
TRANSCRIPT_SUFFIXES = (".csv", ".txt", ".json", ".vtt", ".srt")
# A "speaker" longer than this is more likely a sentence that happens to contain a colon.
MAX_SPEAKER_CHARS = 40

_ALIASES = {
    "speaker": ("speaker", "role", "name", "说话人", "发言人", "角色", "speaker_name"),
    "text": ("text", "utterance", "content", "内容", "文本", "transcript", "message"),
    "t_start": ("t_start", "start", "start_time", "开始", "开始时间"),
    "t_end": ("t_end", "end", "end_time", "结束", "结束时间"),
    "dialog_id": ("dialog_id", "call_id", "conversation_id", "通话编号", "对话编号"),
}
_TXT_LINE = re.compile(r"^\s*(?:\[(?P<time>\d{1,2}(?::\d{2}){1,2}(?:\.\d+)?)\]\s*)?"
                       r"(?P<speaker>[^:：\[\]]{1,%s}?)\s*[:：]\s*(?P<text>.*\S)\s*$"
                       .replace("%s", str(MAX_SPEAKER_CHARS)))
_CUE_TIME = re.compile(r"^\s*(?P<start>[\d:.,]+)\s*-->\s*(?P<end>[\d:.,]+)")
_VOICE = re.compile(r"^<v(?:\.[^ >]*)?\s+(?P<speaker>[^>]+)>(?P<text>.*)$")
_TAG = re.compile(r"</?[^>]+>")
_SPEAKER_PREFIX = re.compile(r"^(?P<speaker>[^:：]{1,%s}?)\s*[:：]\s*(?P<text>.+)$"
                             .replace("%s", str(MAX_SPEAKER_CHARS)))


def _problem(file: str, key: str, row: int | None = None, value: str | None = None,
             **params: object) -> DataFileError:
    return DataFileError(file, [Problem(file, key, row=row, value=value, params=params)])


def _seconds(text: str) -> float:
    """Parse ``hh:mm:ss.mmm``, ``mm:ss`` or ``hh:mm:ss,mmm`` into seconds."""
    parts = text.strip().replace(",", ".").split(":")
    if not 1 <= len(parts) <= 3:
        raise ValueError(text)
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + float(part)
    return seconds


def read_transcript(source: str | Path | bytes, name: str | None = None,
                    max_bytes: int = MAX_TRANSCRIPT_BYTES) -> pd.DataFrame:
    """Read a transcript file (or its bytes, with ``name``) into the ``dialogs`` table.

    Raises
    ------
    DataFileError
        If the type is not supported, the file is larger than ``max_bytes``, empty,
        malformed (the problem names the line), has no speaker column, or one speaker.
    """
    if isinstance(source, bytes):
        raw, file = source, name or "transcript"
    else:
        path = Path(source)
        file = name or path.name
        suffix = path.suffix.lower()
        if suffix not in TRANSCRIPT_SUFFIXES:
            raise _problem(file, "personas.transcript.unsupported_type", value=suffix or file,
                           allowed=", ".join(TRANSCRIPT_SUFFIXES))
        size = path.stat().st_size
        if size > max_bytes:
            raise _problem(file, "personas.transcript.too_large",
                           size=f"{size / 1048576:.1f}", limit=f"{max_bytes / 1048576:.0f}")
        raw = path.read_bytes()
    suffix = Path(file).suffix.lower()
    if suffix not in TRANSCRIPT_SUFFIXES:
        raise _problem(file, "personas.transcript.unsupported_type", value=suffix or file,
                       allowed=", ".join(TRANSCRIPT_SUFFIXES))
    if len(raw) > max_bytes:
        raise _problem(file, "personas.transcript.too_large",
                       size=f"{len(raw) / 1048576:.1f}", limit=f"{max_bytes / 1048576:.0f}")
    text, _ = decode_text(raw, file)
    if not text.strip():
        raise _problem(file, "personas.transcript.empty")

    reader = {".csv": _read_csv, ".txt": _read_txt, ".json": _read_json, ".vtt": _read_vtt,
              ".srt": _read_srt}[suffix]
    rows = reader(text, file)
    return _to_dialogs(rows, file)


def _to_dialogs(rows: list[dict], file: str) -> pd.DataFrame:
    """Build the table: number rows and turns, and check there are two speakers."""
    rows = [row for row in rows if str(row.get("text") or "").strip()]
    if not rows:
        raise _problem(file, "personas.transcript.empty")
    default_id = Path(file).stem
    frame = pd.DataFrame({
        "dialog_id": [str(row.get("dialog_id") or default_id) for row in rows],
        "speaker": [str(row["speaker"]).strip() for row in rows],
        "text": [str(row["text"]).strip() for row in rows],
        "t_start": pd.to_numeric(pd.Series([row.get("t_start") for row in rows],
                                           dtype="object"), errors="coerce"),
        "t_end": pd.to_numeric(pd.Series([row.get("t_end") for row in rows], dtype="object"),
                               errors="coerce"),
    })
    for dialog_id, group in frame.groupby("dialog_id", sort=False):
        speakers = group["speaker"].unique()
        if len(speakers) < 2:
            raise _problem(file, "personas.transcript.one_speaker", value=str(speakers[0]),
                           dialog=str(dialog_id))
    frame["seq"] = frame.groupby("dialog_id", sort=False).cumcount() + 1
    changed = frame["speaker"].ne(frame.groupby("dialog_id", sort=False)["speaker"].shift())
    frame["turn"] = changed.astype(int).groupby(frame["dialog_id"], sort=False).cumsum()
    return frame[["dialog_id", "seq", "turn", "speaker", "text", "t_start", "t_end"]]


def _pick_columns(names: list[str], file: str) -> dict[str, str]:
    lowered = {name.strip().lower(): name for name in names}
    chosen = {}
    for field_name, aliases in _ALIASES.items():
        for alias in aliases:
            if alias in lowered:
                chosen[field_name] = lowered[alias]
                break
    if "speaker" not in chosen:
        raise _problem(file, "personas.transcript.no_speaker_column", row=1,
                       columns=", ".join(names), aliases=", ".join(_ALIASES["speaker"]))
    if "text" not in chosen:
        raise _problem(file, "personas.transcript.no_text_column", row=1,
                       columns=", ".join(names), aliases=", ".join(_ALIASES["text"]))
    return chosen


def _read_csv(text: str, file: str) -> list[dict]:
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = next(reader, [])
    columns = _pick_columns(header, file)
    index = {field_name: header.index(name) for field_name, name in columns.items()}
    rows = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        row = {field_name: cells[position] if position < len(cells) else None
               for field_name, position in index.items()}
        rows.append(row)
    return rows


def _read_txt(text: str, file: str) -> list[dict]:
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _TXT_LINE.match(line)
        if match is None:
            raise _problem(file, "personas.transcript.bad_line", row=number, value=line.strip())
        row = {"speaker": match["speaker"], "text": match["text"]}
        if match["time"]:
            row["t_start"] = _seconds(match["time"])
        rows.append(row)
    return rows


def _read_json(text: str, file: str) -> list[dict]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise _problem(file, "personas.transcript.bad_json", row=error.lineno,
                       detail=error.msg) from error
    if isinstance(document, dict):
        document = next((document[key] for key in ("turns", "utterances", "dialog")
                         if isinstance(document.get(key), list)), None)
    if not isinstance(document, list) or not all(isinstance(item, dict) for item in document):
        raise _problem(file, "personas.transcript.json_layout")
    names = list(dict.fromkeys(key for item in document for key in item))
    columns = _pick_columns(names, file)
    return [{field_name: item.get(name) for field_name, name in columns.items()}
            for item in document]


def _cues(text: str, file: str) -> list[tuple[int, float, float, list[str]]]:
    """Split WebVTT or SRT text into (line number, start, end, payload lines) cues."""
    cues = []
    lines = text.splitlines()
    number = 0
    while number < len(lines):
        match = _CUE_TIME.match(lines[number])
        if match is None:
            number += 1
            continue
        try:
            start, end = _seconds(match["start"]), _seconds(match["end"])
        except ValueError as error:
            raise _problem(file, "personas.transcript.bad_timestamp", row=number + 1,
                           value=lines[number].strip()) from error
        payload = []
        cursor = number + 1
        while cursor < len(lines) and lines[cursor].strip():
            payload.append(lines[cursor].strip())
            cursor += 1
        cues.append((number + 1, start, end, payload))
        number = cursor
    return cues


def _cue_rows(cues: list, file: str) -> list[dict]:
    rows = []
    for line_number, start, end, payload in cues:
        if not payload:
            continue
        first = payload[0]
        voice = _VOICE.match(first)
        if voice is not None:
            speaker, body = voice["speaker"], [voice["text"]] + payload[1:]
        else:
            prefix = _SPEAKER_PREFIX.match(_TAG.sub("", first))
            if prefix is None:
                raise _problem(file, "personas.transcript.cue_speaker", row=line_number + 1,
                               value=first)
            speaker, body = prefix["speaker"], [prefix["text"]] + payload[1:]
        text = " ".join(_TAG.sub("", part).strip() for part in body).strip()
        rows.append({"speaker": speaker.strip(), "text": text, "t_start": start, "t_end": end})
    return rows


def _read_vtt(text: str, file: str) -> list[dict]:
    if not text.lstrip("\ufeff").startswith("WEBVTT"):
        raise _problem(file, "personas.transcript.vtt_header", row=1)
    return _cue_rows(_cues(text, file), file)


def _read_srt(text: str, file: str) -> list[dict]:
    cues = _cues(text, file)
    if not cues:
        raise _problem(file, "personas.transcript.no_cues")
    return _cue_rows(cues, file)
