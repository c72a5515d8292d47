"""KubectlError: what kubectl prints to stderr when a command fails.

upstream: staging/src/k8s.io/kubectl/pkg/cmd/util/helpers.go (``checkErr``,
``StandardErrorMessage``, ``MultilineError``, ``MultipleErrors``): how kubectl turns an
API ``Status`` or a client-side error into the text on stderr.
"""

from __future__ import annotations

from ..api.errors import ApiError


class KubectlError(Exception):
    """A kubectl command failed. ``output`` (and ``str(e)``) is the text kubectl prints to stderr.

    The final newline kubectl writes is not part of ``output``. ``stdout`` holds what the
    command printed before failing (``kubectl get pods a b`` prints the pod it found and
    the error for the one it did not); ``exit_code`` is kubectl's exit status.
    """

    def __init__(self, output: str, *, stdout: str = "", exit_code: int = 1):
        output = output[:-1] if output.endswith("\n") else output
        super().__init__(output)
        self.output = output
        self.stdout = stdout
        self.exit_code = exit_code

    def __str__(self) -> str:
        return self.output

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"KubectlError({self.output!r})"


def status_message(err: ApiError) -> str:
    """StandardErrorMessage for an API error: ``Error from server (Reason): message``."""
    if err.reason == "Unauthorized":
        return f"error: You must be logged in to the server ({err.message})"
    if err.reason:
        return f"Error from server ({err.reason}): {err.message}"
    return f"Error from server: {err.message}"


def api_error_text(err: ApiError) -> str:
    """checkErr's rendering of one API error (422 Invalid gets kubectl's special form)."""
    if err.reason == "Invalid" and err.code == 422:
        details = err.details or {}
        if not details:
            return f"The request is invalid: {err.message}" if err.message else "The request is invalid"
        kind, name = details.get("kind", ""), details.get("name", "")
        if kind or name:
            s = f'The {kind} "{name}" is invalid'
        elif err.message:
            s = f"The request is invalid: {err.message}"
        else:
            s = "The request is invalid"
        causes = details.get("causes") or []
        if not causes:
            return s
        msgs = [f"{c.get('field', '')}: {c.get('message', '')}" for c in causes]
        if len(msgs) == 1:
            return f"{s}: {msgs[0]}"
        return f"{s}: \n" + "".join(f"* {m}\n" for m in msgs)
    return status_message(err)


def error_text(err: BaseException) -> str:
    """checkErr for any error kubectl can meet: API errors, kubectl errors, plain messages."""
    if isinstance(err, KubectlError):
        return err.output
    if isinstance(err, ApiError):
        return api_error_text(err)
    msg = str(err)
    return msg if msg.startswith("error: ") else f"error: {msg}"


def with_source(verb: str, source: str, err: ApiError) -> ApiError:
    """AddSourceToErr: ``error when creating "x.yaml": <message>`` (the Status keeps its reason)."""
    if not source:
        return err
    return ApiError(err.code, err.reason, f'error when {verb} "{source}": {err.message}', err.details)
