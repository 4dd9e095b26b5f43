__version__ = "0.1.0"

# Written by hand, not exported from a notebook: it must run before any stemsep module imports keras, which reads
# KERAS_BACKEND once, at its first import (nbdev keeps this file and only updates the version line above).
def _choose_keras_backend():
    """Keras' backend, where neither KERAS_BACKEND nor ~/.keras/keras.json chose one that is installed: TensorFlow
    if installed (keras' own default), else JAX, else PyTorch."""
    import importlib.util, json, os, sys
    if 'KERAS_BACKEND' in os.environ or 'keras' in sys.modules: return
    installed = [b for b, module in (('tensorflow', 'tensorflow'), ('jax', 'jax'), ('torch', 'torch'))
                 if importlib.util.find_spec(module) is not None]
    home = os.environ.get('KERAS_HOME') or os.path.join(os.path.expanduser('~'), '.keras')
    try:
        with open(os.path.join(home, 'keras.json')) as f: configured = json.load(f).get('backend')
    except (OSError, ValueError, AttributeError): configured = None
    if configured in installed: return
    if installed: os.environ['KERAS_BACKEND'] = installed[0]

_choose_keras_backend()
