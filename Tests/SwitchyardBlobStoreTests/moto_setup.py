"""Prepares a moto server that was started with `python -m moto.server` for the S3 tests.

    python moto_setup.py http://127.0.0.1:PORT BUCKET

Waits until the server answers, then, while moto still accepts unsigned requests: creates an IAM
user allowed s3:* and an access key for it (moto's own IAM API, through boto3), creates BUCKET,
and turns signature checking on (POST /moto-api/reset-auth with 0: from then on every request
must be signed with a key of a known IAM user, and a wrong secret is answered with
SignatureDoesNotMatch). Prints {"access_key_id": ..., "secret_access_key": ...} on stdout.
Exits 3 when moto or boto3 is missing.
"""
import json
import sys
import time
import urllib.request

try:
    import boto3
    import moto.server  # noqa: F401 (only checks that moto[server] is installed)
    from botocore.config import Config
except ImportError as error:
    print(f"{error}; run scripts/test, which installs moto[server] into .services/python", file=sys.stderr)
    sys.exit(3)

endpoint, bucket = sys.argv[1], sys.argv[2]
deadline = time.monotonic() + 30
while True:
    try:
        urllib.request.urlopen(endpoint + "/moto-api/", timeout=1).read()
        break
    except OSError:
        if time.monotonic() > deadline:
            sys.exit(f"moto did not answer at {endpoint} within 30 s")
        time.sleep(0.1)

# Any key is accepted until signature checking is turned on below.
unsigned = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="setup", aws_secret_access_key="setup")
iam = boto3.client("iam", **unsigned)
iam.create_user(UserName="switchyard")
iam.put_user_policy(
    UserName="switchyard",
    PolicyName="blobs",
    PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}),
)
key = iam.create_access_key(UserName="switchyard")["AccessKey"]
boto3.client("s3", config=Config(s3={"addressing_style": "path"}), **unsigned).create_bucket(Bucket=bucket)

reset = urllib.request.Request(
    endpoint + "/moto-api/reset-auth", data=b"0", method="POST", headers={"Content-Type": "text/plain"}
)
urllib.request.urlopen(reset, timeout=10).read()
print(json.dumps({"access_key_id": key["AccessKeyId"], "secret_access_key": key["SecretAccessKey"]}))
