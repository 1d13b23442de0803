def test_visitor_sees_what_kindred_is(client):
    from tests.helpers import page_text
    text = page_text(client.get("/"))
    assert "Friendship and support for people living with dementia" in text
