"""Tools around the pipeline that are not stages: evaluation against gold
(`evaluation`), the benchmark (`bench`), the golden regression files
(`golden`) and the quality report (`report`)."""
