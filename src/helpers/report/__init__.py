"""The report: tables, the results file, provenance, texts and rendering to HTML and PDF.

Its public API, by module (``from helpers import report``; ``report.render_wave(...)``):

- ``formatting``: numbers, shares, intervals and dates as French or English text;
- ``labels``: the frame variables of the settings (weighting cells, margins) named in words;
- ``results``: the results file the steps write and the report reads;
- ``tables``: tables as text;
- ``provenance``: checksums, commit and package versions;
- ``prose``: the French and English templates of the report's text;
- ``texts``: the summary's findings, the caveats log and the leadership texts;
- ``display``: figures and tables in a notebook;
- ``suppression``: small cells and their complements;
- ``sections``, ``charts``: what the report notebook shows, section by section;
- ``fieldwork``: the section on fieldwork, reminders and late respondents (its prose, tables and figures);
- ``series``: the section on the series of waves and the panel of respondents;
- ``render``, ``pdf``, ``index``: the self-contained HTML, the PDF and the reviewers' index;
- ``pages``: the executed notebooks as HTML pages with their code;
- ``exports``: the tables as CSV files and one accessible workbook;
- ``traced``, ``links``: numbers traced to their results key, linked to the cell that wrote it.

Names load from their module on first use, so that ``render``, ``pdf`` and ``index`` (used by the runner)
import neither matplotlib, seaborn nor IPython, which ``display`` and ``charts`` need.
"""

import lazy_loader

# Names load from their module on first use, so that importing one module of the package does not
# import every module and its libraries.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submodules=['charts', 'display', 'exports', 'fieldwork', 'formatting', 'index', 'labels', 'links', 'pages', 'pdf',
                'prose', 'provenance',
                'render', 'results', 'sections', 'series', 'suppression', 'tables', 'texts', 'tracing'],
    submod_attrs={
    'charts': ['delta_figure', 'headline_figure', 'rates_by_type_figure', 'trend_figure'],
    'display': ['Chart', 'finish_figure', 'show_figure', 'table_html'],
    'suppression': ['SUPPRESSED', 'cell_number', 'secondary_suppression', 'shown_rows', 'small_cell_note',
        'suppress_small_cells', 'suppress_with_complements'],
    'exports': ['ExportTable', 'TABLES_DIR', 'WORKBOOK', 'tables_of', 'write_csv', 'write_workbook'],
    'fieldwork': ['break_off_table', 'cumulative_figure', 'cumulative_table', 'curve_available', 'early_late_table',
        'effort_available', 'effort_trend_table', 'fieldwork_results', 'fieldwork_text', 'gains_table',
        'response_curve_figure'],
    'formatting': ['FORMATS', 'LANGUAGES', 'NBSP', 'bracket', 'check_language', 'count', 'formatted_value',
        'interval', 'long_date', 'number', 'p_value', 'percent', 'points', 'signed'],
    'index': ['write_index'],
    'labels': ['VARIABLE_LABELS', 'variables'],
    'links': ['RESULTS_PAGE', 'cell_anchor', 'cell_link', 'key_anchor', 'link_numbers', 'notes_html', 'page_name',
        'results_page', 'writer_of'],
    'pages': ['linked_to_pages', 'notebook_page', 'write_notebook_pages'],
    'pdf': ['PrintFailed', 'find_chromium', 'fixed_pdf_metadata', 'print_pdf', 'printable', 'processes_naming'],
    'prose': ['TEMPLATES_DIR', 'in_sentence', 'render_section', 'section_names'],
    'provenance': ['PACKAGES', 'file_table', 'flatten', 'git_commit', 'package_versions', 'report_provenance',
        'sha256'],
    'render': ['REPORT_NOTEBOOK', 'html_page', 'make_offline', 'notebook_body', 'print_css', 'render_wave',
        'report_name', 'report_notebook_name', 'traced_page', 'with_contents', 'write_html', 'write_tables'],
    'results': ['RESULTS_NAME', 'SOURCES_NAME', 'WRITER_MIME', 'load_results', 'lookup', 'read_results', 'to_plain',
        'write_section', 'write_writers', 'writers'],
    'series': ['headline_series', 'panel_table', 'series_available', 'series_change_table', 'series_figure',
        'series_results', 'series_table', 'series_text'],
    'sections': ['ReportSetup', 'bounds_table', 'disposition_table', 'indicator_table', 'notebook_links',
        'paired_table', 'provenance_tables', 'rates_by_type', 'rates_by_type_table', 'rates_table', 'start',
        'trend_available', 'trend_changes', 'trend_table'],
    'tables': ['formatted'],
    'tracing': ['CODEBOOK_KEY', 'DerivedFloat', 'HTMLText', 'KEY_SEPARATOR', 'TracedFloat', 'TracedInt', 'TracedStr',
        'TracedText', 'derived', 'html_text', 'key_of', 'keys_of', 'markup', 'traced', 'with_sources'],
    'texts': ['Caveat', 'Finding', 'banner_html', 'caveat_table', 'caveats', 'findings_html',
        'leadership_conclusion', 'leadership_markdown', 'leadership_table', 'report_title', 'run_date_of',
        'summary_findings', 'type_label'],
})
