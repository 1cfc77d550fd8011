"""Tests of code that calls Close's API, each with an organization of its own (conftest.py).

Run: python3 -m pytest examples/pytest (needs pytest and requests, and the emulator: see conftest.py).
"""
import requests

QUALIFIED = "stat_t7Zd2uspYPvBafR5bu9agrFZFs8GToWIbDnkqSk8nT8"  # a lead status of the default seed


def count_leads(org):
    answer = requests.get(f"{org.base_url}/lead/", params={"_limit": 0}, auth=org.auth, timeout=10)
    answer.raise_for_status()
    return answer.json()["total_results"]


def test_a_test_may_change_its_organization(close_org):
    created = requests.post(f"{close_org.base_url}/lead/", json={"name": "Only in this test"}, auth=close_org.auth, timeout=10)
    assert created.status_code == 200
    assert created.json()["name"] == "Only in this test"
    assert count_leads(close_org) == 301


def test_the_next_test_starts_from_the_seed(close_org):
    assert count_leads(close_org) == 300


def test_a_bulk_edit_driven_by_the_control_api(close_org, emulator):
    started = requests.post(
        f"{close_org.base_url}/bulk_action/edit/",
        json={"type": "set_lead_status", "lead_status_id": QUALIFIED, "s_query": {"type": "object_type", "object_type": "lead"}},
        auth=close_org.auth,
        timeout=10,
    )
    assert started.status_code == 200
    job = emulator.control("POST", f"/jobs/{started.json()['id']}/run")  # to the end, without sleeping
    assert job["status"] == "done"
    assert job["n_leads_processed"] == 300
    answer = requests.get(f"{close_org.base_url}/lead/", params={"_limit": 1, "_fields": "status_id"}, auth=close_org.auth, timeout=10)
    assert answer.json()["data"][0]["status_id"] == QUALIFIED
