"""Solving the public forms' proof-of-work check in tests, with the ALTCHA library's own functions.

Explicit on purpose: a test that posts a public form says it solved the check (``altcha_solution()``)
or that it did not. The test settings make the puzzle small (ALTCHA_MAX_NUMBER), so this is quick;
the browser tests let the real widget solve it in Chromium instead.
"""

import altcha

from bookday.altcha import new_challenge


def altcha_solution() -> str:
    """A valid, unused solution: what the widget puts in the form's ``altcha`` field."""
    challenge = new_challenge()
    solution = altcha.solve_challenge(challenge)
    payload = altcha.Payload(
        algorithm=challenge.algorithm,
        challenge=challenge.challenge,
        number=solution.number,
        salt=challenge.salt,
        signature=challenge.signature,
    )
    return payload.to_base64()


def wrong_solution() -> str:
    """A well-formed answer with the wrong number: what a bot that skips the work would send."""
    challenge = new_challenge()
    number = altcha.solve_challenge(challenge).number
    return altcha.Payload(
        challenge.algorithm, challenge.challenge, number + 1, challenge.salt, challenge.signature
    ).to_base64()


def solved(data: dict) -> dict:
    """``data`` as a person's browser posts it: with the check solved."""
    return {**data, "altcha": altcha_solution()}
