"""The consolidated report the district committee signs: .docx (Decree 30/2020/NĐ-CP layout),
.pdf (through LibreOffice) and the .xlsx annex, all from one ``report_content``."""


class DocumentError(Exception):
    """The document cannot be made as asked (template missing, no LibreOffice, ...); the
    message says why, for the person who asked."""
