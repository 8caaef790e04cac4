"""The contract layer: the one safe XML parser, our XSDs, signatures.

Everything that touches untrusted XML goes through here (zeep's ``loader.parse_xml`` habit).
"""
