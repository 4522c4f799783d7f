FAKE = "hf_q7ZkWm2Rt9Lp4Xv8Nb3Cd6Fg1Hj5Ks0Qa9"


def test_fake_token_is_not_used():
    assert FAKE.startswith("hf_")
