"""The yearly run: the papermill runner, and publishing its outputs.

The wave configuration it runs is read by :mod:`helpers.inputs.waves`.
"""

import lazy_loader

# Names load from their module on first use, so that importing one module of the package does not
# import every module and its libraries.
__getattr__, __dir__, __all__ = lazy_loader.attach(__name__, submod_attrs={
    'notebooks': ['KERNEL', 'execute_notebook', 'normalise_notebook'],
    'pipeline': ['RunLayout', 'STEPS', 'STEP_GROUPS', 'run'],
})
