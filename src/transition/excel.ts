/** ExcelJS, loaded on first use: it adds ~25 MB to a gateway process that may never export or import a sheet. */
import type ExcelJS from 'exceljs'

export const loadExcel = async (): Promise<typeof ExcelJS> => (await import('exceljs')).default
