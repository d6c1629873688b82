"""The demo county 青溪县 (Qingxi County): fictional places, menu, providers, people and a
year of orders, for trying Minsheng out (``minsheng seed_demo``, ``minsheng demo_logins``).

Nothing in production imports this app (an import-linter contract holds it): it is a
client of the domain like any other, and its history is written by the same lifecycle
(``orders.lifecycle``) and event builder (``orders.services.events``) as real orders.
"""
