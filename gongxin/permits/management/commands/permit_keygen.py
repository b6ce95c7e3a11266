"""`gongxin permit_keygen`: print a new Ed25519 private key for PERMIT_SIGNING_KEY (and its public key)."""

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management.base import BaseCommand

from ... import signing


class Command(BaseCommand):
    help = "生成车辆接驳证明签名密钥（写入环境变量PERMIT_SIGNING_KEY，切勿提交到代码库）"

    def handle(self, *args, **options):
        private = signing.generate_private_key_text()
        public = Ed25519PrivateKey.from_private_bytes(signing.b64d(private)).public_key()
        self.stdout.write(f"PERMIT_SIGNING_KEY={private}")
        self.stdout.write(f"# 公钥（轮换后写入PERMIT_OLD_PUBLIC_KEYS）：{signing.b64e(signing._raw_public(public))}")
