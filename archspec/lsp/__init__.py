"""``archspec lsp``: the language server for editors (``pip install 'archspec[lsp]'``).

One module per job: ``snapshot`` analyses a version of a document, ``anchors`` lays its layer graph
over the text, ``hints``, ``hover``, ``completion``, ``definition``, ``symbols`` and ``diagnostics``
answer the editor, ``server`` speaks the protocol (pygls).
"""
