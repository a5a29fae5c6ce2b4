def test_healthz_reports_database_round_trip(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_login_then_dashboard(client, login_as):
    login_as("sales")
    response = client.get("/")
    assert response.status_code == 200
    assert "工作台" in response.get_data(as_text=True)
