"""transform: WARC files in, a normalised, schema-validated JSON corpus out.

    from transform import transform, TransformError
    result = transform(out_dir, warcs=None, workers=1)

Reads OUT/harvest/warc (or the given WARC files) and never the network; writes OUT/corpus.
The same WARCs give a byte-identical corpus whatever the number of workers.
"""
from transform.errors import TransformError
from transform.run import TransformResult, transform

__all__ = ["transform", "TransformError", "TransformResult"]
