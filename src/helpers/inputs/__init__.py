"""What a run reads: the export (its bytes and table), the codebook, the wave configuration, text normalisation."""

import lazy_loader

# Names load from their module on first use, so that importing one module of the package does not
# import every module and its libraries.
__getattr__, __dir__, __all__ = lazy_loader.attach(__name__, submod_attrs={
    'codebook': ['Codebook', 'EXPORT_ROLES', 'Export', 'Indicator', 'Option', 'PERSONAL_ROLES', 'QUESTION_TYPES',
        'Question', 'Scale', 'asked', 'load_codebook', 'value_columns'],
    'ingest': ['LINE_COLUMN', 'RawTable', 'RejectedRecord', 'SEPARATORS', 'column_key', 'decode', 'find_header',
        'parse_decimal', 'parse_numbers', 'read_table', 'sniff_separator', 'split_records'],
    'textnorm': ['fold'],
    'waves': ['SCHEMA', 'Key', 'Wave', 'load_wave', 'wave_path'],
})
