"""The S3 storage backend against moto's S3 server (a local stand-in for the S3 HTTP API): uploads
land in the bucket by content hash and come back through the API."""

import io

import boto3
import pytest
from moto.server import ThreadedMotoServer
from PIL import Image

from backend.core import storage
from backend.core.settings import get_settings, use_settings
from tests.stubs.server import free_port


@pytest.fixture
def s3(monkeypatch):
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    for name, value in (("AWS_ACCESS_KEY_ID", "test"), ("AWS_SECRET_ACCESS_KEY", "test")):
        monkeypatch.setenv(name, value)
    endpoint = f"http://127.0.0.1:{port}"
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket="linli-test")
    dev = get_settings()
    use_settings(dev.model_copy(update={"storage": "s3", "s3_bucket": "linli-test", "s3_endpoint_url": endpoint}))
    yield boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    use_settings(dev)
    server.stop()


async def test_notice_images_are_stored_in_the_bucket_and_served_back(console, s3):
    await console.sign_in("committee")
    photo = io.BytesIO()
    Image.new("RGB", (400, 300), "green").save(photo, "PNG")
    response = await console.http.post("/uploads", params={"kind": "notice_image"},
                                       headers={"authorization": f"Bearer {console.token}"},
                                       files={"file": ("p.png", photo.getvalue(), "image/png")})
    assert response.status_code == 200
    key = response.json()["thumbnail"].rsplit("/", 1)[1]
    stored = s3.get_object(Bucket="linli-test", Key=f"public/{key[:2]}/{key}")["Body"].read()
    served = await console.http.get(response.json()["thumbnail"])
    assert served.status_code == 200 and served.content == stored
    assert await storage.get("f" * 64, public=True) is None  # a missing object is not-found, not an error
