import re
from urllib.parse import urlparse
import pytest
from django.core import mail
from assessment import services
from assessment.models import Participation

def test_explore(open_round, client, django_capture_on_commit_callbacks):
    p = Participation.objects.get(round=open_round, municipality__number="4640")
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_by_email(participation=p, emails=["a@x.no"])
    print(mail.outbox[0].subject, mail.outbox[0].body)
    path = urlparse(re.search(r"https?://\S+", mail.outbox[0].body).group(0)).path
    r = client.get(path)
    print(r.status_code, r["Location"])
    r = client.get(r["Location"])
    open("/tmp/scratch/welcome.html","w").write(r.content.decode())
    r = client.post("/skjema/side/1/", {"nav": "next"})
    open("/tmp/scratch/bg_err.html","w").write(r.content.decode())
    r = client.post("/skjema/side/1/", {"staff_group": "medarbeider", "sector": "helse_omsorg", "nav": "next"})
    print(r.status_code, r["Location"])
    r = client.get(r["Location"])
    open("/tmp/scratch/dim.html","w").write(r.content.decode())
    assert 0
