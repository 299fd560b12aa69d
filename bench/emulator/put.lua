-- wrk script: a valid partial update of the client (the contract's ChangeContacts example, minus the null).
wrk.method = "PUT"
wrk.body = '{"email": "office@acme.example", "contact_phones": "+375 17 200-00-01", "timezone": "Europe/Vilnius"}'
wrk.headers["Content-Type"] = "application/json"
