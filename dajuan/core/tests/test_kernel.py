from datetime import UTC, datetime

from django.test import SimpleTestCase

from dajuan.core.canonical import canonical_json, chain_hash
from dajuan.core.masking import mask_id_number, mask_phone


class MaskingTests(SimpleTestCase):
    def test_phone_numbers(self):
        for raw, masked in [("13812345678", "138****5678"), ("", ""), (None, ""), ("0558-5123456", "********3456"),
                            ("110", "***")]:
            with self.subTest(raw=raw):
                self.assertEqual(mask_phone(raw), masked)

    def test_id_numbers(self):
        self.assertEqual(mask_id_number("341602199001011234"), "341602********1234")
        self.assertEqual(mask_id_number("12345"), "*****")


class CanonicalJsonTests(SimpleTestCase):
    def test_key_order_and_spacing_do_not_matter(self):
        self.assertEqual(canonical_json({"b": 1, "a": "谯城"}), canonical_json({"a": "谯城", "b": 1}))
        self.assertEqual(canonical_json({"a": "谯城", "b": 1}), '{"a":"谯城","b":1}'.encode())

    def test_datetimes_serialise_as_iso(self):
        at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
        self.assertEqual(canonical_json({"at": at}), b'{"at":"2026-01-02T03:04:05+00:00"}')

    def test_chain_hash_depends_on_previous_hash_and_body(self):
        first = chain_hash("0" * 64, {"seq": 1})
        self.assertEqual(len(first), 64)
        self.assertNotEqual(first, chain_hash("1" * 64, {"seq": 1}))
        self.assertNotEqual(first, chain_hash("0" * 64, {"seq": 2}))
        self.assertEqual(first, chain_hash("0" * 64, {"seq": 1}))
