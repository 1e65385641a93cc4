"""What a run reads: the export (its bytes and table), the codebook, the wave configuration, text normalisation."""

import lazy_loader

# Names load from their module on first use, so that importing one module of the package does not
# import every module and its libraries.
__getattr__, __dir__, __all__ = lazy_loader.attach(__name__, submod_attrs={
    'codebook': ['Codebook', 'CodebookFile', 'EXPORT_ROLES', 'Entry', 'Export', 'Indicator', 'Labels', 'Option',
        'PERSONAL_ROLES', 'QUESTION_TYPES', 'Routing',
        'Question', 'Scale', 'asked', 'load_codebook', 'value_columns'],
    'ingest': ['LINE_COLUMN', 'RawTable', 'RejectedRecord', 'SEPARATORS', 'column_key', 'decode', 'find_header',
        'parse_decimal', 'parse_numbers', 'read_table', 'sniff_separator', 'split_records'],
    'textnorm': ['fold'],
    'validation': ['Problem', 'check', 'json_schema', 'problems_error', 'read_yaml'],
    'waves': ['Wave', 'WaveSettings', 'load_wave', 'wave_path'],
})
