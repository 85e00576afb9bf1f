"""What is wrong with a file: where, and why, in words."""

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a file: where (when known) and a plain reason."""

    line: int = 0  # 0: the file as a whole
    column: str = ""
    message: str = ""

    def __str__(self) -> str:
        where = ", ".join(
            part
            for part in (
                f"line {self.line}" if self.line else "",
                f"column {self.column}" if self.column else "",
            )
            if part
        )
        return f"{where}: {self.message}" if where else self.message


class Refused(Exception):
    """Nothing was read or written, for these problems."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))
