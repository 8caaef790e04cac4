"""Common reference books (NsiCommonAsync): the books every client downloads before importing."""
