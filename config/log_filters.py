"""Logging filters: nothing that identifies a person reaches the log.

Django logs every 500 as «Internal Server Error: <path>» with the traceback. The paths of personal
links and open links carry their token (/svar/<token>/, /apen/<token>/), and anyone holding the
token can answer in that person's name, so the token is replaced by «…». So are e-mail addresses
(an SMTP error names its recipients) in the message and the traceback."""

import logging
import re
import traceback

TOKEN_IN_PATH = re.compile(r"/(svar|apen)/[^/?#\s'\"]+")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def redact(text: str) -> str:
    return EMAIL.sub("…@…", TOKEN_IN_PATH.sub(r"/\1/…", text))


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(str(record.msg))
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        if record.exc_info and not record.exc_text:
            record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)))
            record.exc_text = record.exc_text.rstrip("\n")
        return True
