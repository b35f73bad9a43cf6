from app.extensions import db
from app.models import Role
from tests.factories import PASSWORD, make_user


def test_sign_in_and_out(client, auth):
    lead = make_user(Role.LEAD)
    auth.login(lead)
    assert client.get("/students/").status_code == 200
    auth.logout()
    response = client.get("/students/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_wrong_password_is_refused_without_saying_which_part(client):
    lead = make_user(Role.LEAD)
    db.session.commit()
    response = client.post("/login", data={"email": lead.email, "password": "wrong password"})
    assert response.status_code == 200
    assert b"do not match an active account" in response.data
    unknown = client.post("/login", data={"email": "nobody@example.org", "password": PASSWORD})
    assert b"do not match an active account" in unknown.data


def test_passwords_are_stored_as_argon2id_hashes(app):
    from app.passwords import hash_password, verify_password

    stored = hash_password("a long pass phrase")
    assert stored.startswith("$argon2id$") and "a long pass phrase" not in stored
    assert verify_password(stored, "a long pass phrase")
    assert not verify_password(stored, "a long pass phrasE")
    assert not verify_password(None, "anything")
