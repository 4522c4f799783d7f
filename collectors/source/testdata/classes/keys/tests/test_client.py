from app.client import make_client

FAKE_BUT_SHAPED = "hf_6LmyNXjhKyxlnhdKqOrLUZql57qi3WS1VC"


def test_client():
    assert make_client(FAKE_BUT_SHAPED)
